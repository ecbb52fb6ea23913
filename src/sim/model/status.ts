/**
 * effective_status as Meta computes it: an object's own status unless it is ACTIVE and a parent is not,
 * in which case the parent's state shows through (CAMPAIGN_PAUSED before ADSET_PAUSED, as the campaign is
 * the outer switch). Archived or deleted parents make their children read ARCHIVED or DELETED.
 */
import type { AdObject, Status } from './types.js';

function inherited(parent: Status, pausedName: string): string | undefined {
  if (parent === 'PAUSED') return pausedName;
  if (parent === 'ARCHIVED' || parent === 'DELETED') return parent;
  return undefined;
}

export function effectiveStatus(o: AdObject): string {
  if (o.status !== 'ACTIVE') return o.status;
  if (o.kind === 'campaign') return 'ACTIVE';
  const fromCampaign = inherited(o.campaign.status, 'CAMPAIGN_PAUSED');
  if (fromCampaign) return fromCampaign;
  if (o.kind === 'ad') return inherited(o.adset.status, 'ADSET_PAUSED') ?? 'ACTIVE';
  return 'ACTIVE';
}
