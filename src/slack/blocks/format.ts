import { formatMoney } from '../../domain/money.js';
import type { Severity } from '../../domain/recommendation.js';
import { esc } from './kit.js';
import type { ActionChange, EntityRef } from './types.js';

const BARS = '▁▂▃▄▅▆▇█';

/**
 * A unicode sparkline, oldest first: the lowest value is ▁ and the highest █. A flat series is drawn
 * at mid height (or ▁ when it is all zero), a missing day as a space, so a gap reads as a gap.
 */
export function sparkline(values: readonly (number | null)[]): string {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (present.length === 0) return '';
  const min = Math.min(...present);
  const max = Math.max(...present);
  return values
    .map((v) => {
      if (v === null || !Number.isFinite(v)) return ' ';
      if (max === min) return max === 0 ? BARS[0] : BARS[3];
      return BARS[Math.round(((v - min) / (max - min)) * (BARS.length - 1))];
    })
    .join('');
}

/** "+12 %", "−4.5 %", "new" (previous zero), "" (nothing to compare). */
export function percentChange(current: number | null, previous: number | null): string {
  if (current === null || previous === null) return '';
  if (previous === 0) return current === 0 ? '±0 %' : 'new';
  const pct = ((current - previous) / Math.abs(previous)) * 100;
  const rounded = Math.abs(pct) >= 10 ? Math.round(pct) : Math.round(pct * 10) / 10;
  if (rounded === 0) return '±0 %';
  return `${rounded > 0 ? '▲ +' : '▼ −'}${Math.abs(rounded)} %`;
}

export function money(minor: number | null, currency: string): string {
  return minor === null ? 'n/a' : formatMoney(minor, currency);
}

export function ratio(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(2);
}

export const SEVERITY_MARK: Readonly<Record<Severity, string>> = {
  high: ':red_circle: High',
  medium: ':large_orange_circle: Medium',
  low: ':white_circle: Low',
};

const MANAGE_PATH = { campaign: 'campaigns', adset: 'adsets', ad: 'ads' } as const;

/**
 * Ads Manager's page for one object: /adsmanager/manage/<level>s?act=<digits>&selected_<level>_ids=<id>.
 * Only digit ids make a link; anything else is not a Meta id and is shown without one.
 */
export function adsManagerUrl(adAccountId: string, entity: Pick<EntityRef, 'level' | 'id'>): string | null {
  const act = /^(?:act_)?(\d+)$/.exec(adAccountId)?.[1];
  if (!act) return null;
  if (entity.level === 'account') {
    return `https://adsmanager.facebook.com/adsmanager/manage/campaigns?act=${act}`;
  }
  if (!/^\d+$/.test(entity.id)) return null;
  return `https://adsmanager.facebook.com/adsmanager/manage/${MANAGE_PATH[entity.level]}?act=${act}&selected_${entity.level}_ids=${entity.id}`;
}

/** The entity's name as a link to Ads Manager (escaped), or the bare escaped name. */
export function entityLink(adAccountId: string, entity: EntityRef): string {
  const url = adsManagerUrl(adAccountId, entity);
  const name = entity.name.trim() || entity.id;
  return url ? `<${url}|${esc(name)}>` : esc(name);
}

/** "daily budget $150.00 → $120.00", "status ACTIVE → PAUSED". */
export function describeChange(change: ActionChange, currency: string): string {
  if (change.type === 'update_daily_budget') {
    return `daily budget ${formatMoney(change.from, currency)} → ${formatMoney(change.to, currency)}`;
  }
  return `status ${change.from} → ${change.to}`;
}

export function levelLabel(level: EntityRef['level']): string {
  return level === 'adset' ? 'ad set' : level;
}
