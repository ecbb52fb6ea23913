/** Meta sends every insights number as a string: money with two decimals, ratios with up to six. */

export function money(x: number): string {
  const v = Math.round((x + Number.EPSILON) * 100) / 100;
  return (v === 0 ? 0 : v).toFixed(2);
}

export function ratio(x: number): string {
  const s = (Math.round(x * 1e6) / 1e6).toFixed(6);
  return s.replace(/\.?0+$/, '');
}

export function count(x: number): string {
  return String(Math.round(x));
}
