/**
 * The chi-square distribution, written out rather than imported: it is ~100 lines, the evidence grading
 * depends on it being exact, and the npm candidates are either unmaintained or pull a whole statistics
 * package for one function. Accuracy: the quantile is solved to ~1e-12 relative (tests check table values
 * to 1e-6).
 */

// Lanczos approximation (g = 7, n = 9): ln Γ(x) to ~1e-15 relative for x > 0.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const EPSILON = 1e-16;
const TINY = 1e-300;
const MAX_TERMS = 100_000;

/** Series for P(a, x), convergent and accurate for x < a + 1. */
function lowerSeries(a: number, x: number, logPrefactor: number): number {
  let term = 1 / a;
  let sum = term;
  let ap = a;
  for (let n = 0; n < MAX_TERMS; n++) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
  }
  return sum * Math.exp(logPrefactor);
}

/** Continued fraction (modified Lentz) for Q(a, x), accurate for x ≥ a + 1. */
function upperContinuedFraction(a: number, x: number, logPrefactor: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_TERMS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return Math.exp(logPrefactor) * h;
}

/** The regularized lower incomplete gamma function P(a, x) = γ(a, x) / Γ(a). */
export function regularizedGammaP(a: number, x: number): number {
  if (!(a > 0)) throw new RangeError(`regularizedGammaP needs a > 0, got ${a}`);
  if (x <= 0) return 0;
  if (x === Number.POSITIVE_INFINITY) return 1;
  const logPrefactor = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) return lowerSeries(a, x, logPrefactor);
  return 1 - upperContinuedFraction(a, x, logPrefactor);
}

/** P(X ≤ x) for X ~ χ²(dof). */
export function chiSquareCdf(x: number, dof: number): number {
  if (!(dof > 0)) throw new RangeError(`chi-square needs dof > 0, got ${dof}`);
  return regularizedGammaP(dof / 2, x / 2);
}

/** Density of χ²(dof) at x. */
function chiSquarePdf(x: number, dof: number): number {
  if (x <= 0) return 0;
  const k = dof / 2;
  return Math.exp((k - 1) * Math.log(x) - x / 2 - k * Math.LN2 - logGamma(k));
}

// Wilson–Hilferty: a good first guess, refined below. Φ⁻¹ via Acklam's rational approximation.
function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const q = Math.min(p, 1 - p);
  if (q > 0.02425) {
    const u = p - 0.5;
    const r = u * u;
    return (
      ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * u) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
    );
  }
  const u = Math.sqrt(-2 * Math.log(q));
  const z =
    (((((c[0]! * u + c[1]!) * u + c[2]!) * u + c[3]!) * u + c[4]!) * u + c[5]!) /
    ((((d[0]! * u + d[1]!) * u + d[2]!) * u + d[3]!) * u + 1);
  return p < 0.5 ? z : -z;
}

function wilsonHilferty(p: number, dof: number): number {
  const h = 2 / (9 * dof);
  const base = 1 - h + normalQuantile(p) * Math.sqrt(h);
  return dof * Math.max(base, 1e-3) ** 3;
}

/**
 * The p-quantile of χ²(dof): the x with P(X ≤ x) = p. Newton's method on the CDF, kept inside a
 * bisection bracket so a bad step can never escape or oscillate (the CDF is monotone, so the bracket
 * always holds the root).
 */
export function chiSquareQuantile(p: number, dof: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`chi-square quantile needs 0 < p < 1, got ${p}`);
  if (!(dof > 0)) throw new RangeError(`chi-square needs dof > 0, got ${dof}`);
  let lo = 0;
  let hi = Math.max(1, dof);
  while (chiSquareCdf(hi, dof) < p) {
    lo = hi;
    hi *= 2;
  }
  let x = Math.min(Math.max(wilsonHilferty(p, dof), lo), hi);
  for (let i = 0; i < 400; i++) {
    const f = chiSquareCdf(x, dof) - p;
    if (f === 0) return x;
    if (f < 0) lo = x;
    else hi = x;
    const slope = chiSquarePdf(x, dof);
    let next = slope > 0 ? x - f / slope : Number.NaN;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    // Relative tolerances: quantiles of small-dof, small-p cases are far below 1 (χ²(1e-6; 0.5) ≈ 1e-23).
    if (Math.abs(next - x) <= 1e-15 * next || hi - lo <= 1e-15 * hi) return next;
    x = next;
  }
  return x;
}
