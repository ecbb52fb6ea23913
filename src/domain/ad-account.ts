import { UsageError } from '../lib/errors.js';

/** Meta ad account ids are accepted as digits or act_digits; stored as act_digits. */
export function normalizeAdAccountId(input: string): string {
  const trimmed = input.trim();
  const m = /^(?:act_)?(\d{1,20})$/.exec(trimmed);
  if (!m) throw new UsageError(`--ad-account must be digits or act_<digits> (got "${trimmed}")`);
  return `act_${m[1]}`;
}
