import { formatMoney } from '../../domain/money.js';

/** A plan or log value as an operator reads it: budgets as money, statuses as they are. */
export function showValue(type: string, value: string | number | null | undefined, currency: string): string {
  if (value === null || value === undefined) return '—';
  if (type === 'update_daily_budget' && typeof value === 'number')
    return `${formatMoney(value, currency)}/day`;
  return String(value);
}
