import { majorToMinor } from './money.js';

/**
 * Meta reports one purchase under several action types at once (omni_purchase,
 * offsite_conversion.fb_pixel_purchase, purchase…), each with the full count, so adding them up counts a
 * purchase two or three times. One type is chosen per account and used for counts (`actions`), values
 * (`action_values`) and therefore ROAS alike.
 */
export const DEFAULT_PURCHASE_ACTION_TYPES: readonly string[] = [
  'omni_purchase',
  'offsite_conversion.fb_pixel_purchase',
  'purchase',
];

export interface ActionStat {
  action_type: string;
  value?: string | number;
}

export interface RowWithActions {
  actions?: readonly ActionStat[] | undefined;
  action_values?: readonly ActionStat[] | undefined;
}

/**
 * The first type in `order` that appears in any of the rows (under actions or action_values). When none
 * does (an account with no purchases), the first preference, so that the choice is stable.
 */
export function choosePurchaseActionType(rows: Iterable<RowWithActions>, order: readonly string[]): string {
  const present = new Set<string>();
  for (const row of rows) {
    for (const a of row.actions ?? []) present.add(a.action_type);
    for (const a of row.action_values ?? []) present.add(a.action_type);
  }
  return order.find((t) => present.has(t)) ?? order[0] ?? DEFAULT_PURCHASE_ACTION_TYPES[0]!;
}

function find(stats: readonly ActionStat[] | undefined, type: string): ActionStat | undefined {
  return stats?.find((a) => a.action_type === type);
}

/** The purchase count under the chosen type only. */
export function purchaseCount(row: RowWithActions, type: string): number {
  const stat = find(row.actions, type);
  if (stat?.value === undefined) return 0;
  const n = Number(stat.value);
  return Number.isFinite(n) ? n : 0;
}

/** The purchase value under the chosen type only, in minor units of the account currency. */
export function purchaseValueMinor(row: RowWithActions, type: string, currency: string): number {
  const stat = find(row.action_values, type);
  if (stat?.value === undefined) return 0;
  return majorToMinor(stat.value, currency);
}
