import type { TodaySpend } from '../domain/kill-switch.js';
import type { AccountInfo } from '../domain/snapshot.js';
import type { MetaClient } from './client.js';
import { localDate } from './dates.js';
import { majorToMinor } from './money.js';
import { purchaseCount } from './purchases.js';
import { normalizeAccountId } from './usage-headers.js';

/**
 * The account's spend and purchases so far today, in one Graph call: account-level insights with
 * date_preset=today (the account's own day, in its time zone; Meta answers no row before anything
 * spent). Read for the kill switch's pace trip; the day comes from Meta's answer, not our clock.
 */
export async function readTodaySpend(
  client: MetaClient,
  account: Pick<AccountInfo, 'id' | 'currency' | 'timezone'>,
  purchaseActionType: string,
  takenAt: Date,
): Promise<TodaySpend> {
  const rows = await client.insights({
    accountId: normalizeAccountId(account.id),
    level: 'account',
    fields: ['spend', 'actions'],
    datePreset: 'today',
  });
  const date = rows[0]?.date_start ?? localDate(client.metaNow ?? takenAt, account.timezone);
  let spend = 0;
  let purchases = 0;
  for (const r of rows) {
    spend += r.spend === undefined ? 0 : majorToMinor(r.spend, account.currency);
    purchases += purchaseCount(r, purchaseActionType);
  }
  return { date, spend, purchases };
}
