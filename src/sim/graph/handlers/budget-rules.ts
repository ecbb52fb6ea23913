/**
 * Meta's budget rules, shared by updates and creates:
 * - a budget lives on the campaign (CBO) or on its ad sets, never both (100/1885621);
 * - it may not be below the account's min_daily_budget (100/1885272, with the minimum in the user message);
 * - an object's budget may change at most 4 times in a rolling hour (613/1487632). For a CBO campaign
 *   the count is kept per campaign, as its budget is the one that changes.
 */

import { minorUnitsPerMajor } from '../../../domain/money.js';
import type { SimState } from '../../model/state.js';
import type { Account } from '../../model/types.js';
import { errors } from '../errors.js';

const HOUR_MS = 3_600_000;
export const BUDGET_CHANGES_PER_HOUR = 4;

export function formatMoney(minor: number, currency: string): string {
  const major = minor / minorUnitsPerMajor(currency);
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(major);
  } catch {
    return `${major.toFixed(2)} ${currency}`;
  }
}

export function checkMinimum(budget: number, account: Account, what: 'ad set' | 'campaign'): void {
  if (budget < account.minDailyBudget)
    throw errors.budgetTooLow(what, formatMoney(account.minDailyBudget, account.currency));
}

function recent(state: SimState, id: string): number[] {
  const now = state.nowMs();
  const list = (state.budgetChanges.get(id) ?? []).filter((t) => t > now - HOUR_MS);
  state.budgetChanges.set(id, list);
  return list;
}

export function checkChangeRate(state: SimState, id: string): void {
  if (recent(state, id).length >= BUDGET_CHANGES_PER_HOUR) throw errors.tooManyBudgetChanges();
}

export function recordChange(state: SimState, id: string): void {
  recent(state, id).push(state.nowMs());
}
