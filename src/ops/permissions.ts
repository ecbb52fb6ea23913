import type { PermissionGrant } from '../meta/identity.js';

/** What MetaBuyer needs from a Meta token: reading and writing ads, and business assets. */
export const REQUIRED_PERMISSIONS = ['ads_read', 'ads_management', 'business_management'] as const;
/** Needed only for sandbox creatives and ads (a Page to post as). */
export const RECOMMENDED_PERMISSIONS = ['pages_show_list', 'pages_read_engagement'] as const;

export function grantedPermissions(grants: PermissionGrant[]): string[] {
  return grants
    .filter((g) => g.status === 'granted')
    .map((g) => g.permission)
    .sort();
}

export function permissionReport(granted: string[]): {
  missingRequired: string[];
  missingRecommended: string[];
} {
  return {
    missingRequired: REQUIRED_PERMISSIONS.filter((p) => !granted.includes(p)),
    missingRecommended: RECOMMENDED_PERMISSIONS.filter((p) => !granted.includes(p)),
  };
}
