/**
 * Meta's error bodies. Messages, types, codes and subcodes are Meta's where we could find Meta's own
 * wording (in its docs, SDK issue threads and the reference in ../shared/reference); where Meta's exact
 * text is unknown the message says so plainly and only the code/subcode is claimed (README.md lists which).
 */
import { randomBytes } from 'node:crypto';

export interface MetaError {
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
  is_transient?: boolean;
  error_user_title?: string;
  error_user_msg?: string;
  error_data?: Record<string, unknown>;
  fbtrace_id?: string;
}

export function fbtraceId(): string {
  return randomBytes(16).toString('base64').replace(/[+/=]/g, '').slice(0, 23);
}

export class GraphError extends Error {
  readonly status: number;
  readonly error: MetaError;
  constructor(error: MetaError, status = 400) {
    super(error.message);
    this.name = 'GraphError';
    this.status = status;
    this.error = error;
  }
  body(): { error: MetaError } {
    return { error: { ...this.error, fbtrace_id: this.error.fbtrace_id ?? fbtraceId() } };
  }
}

const oauth = (code: number, message: string, extra: Partial<MetaError> = {}, status = 400) =>
  new GraphError({ message, type: 'OAuthException', code, ...extra }, status);

const GRAPH_DOCS =
  'Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api';

/** Invalid-parameter errors of the Marketing API carry these, as Meta's own do. */
function invalidParameter(subcode: number, title: string, userMsg: string, blame?: string): GraphError {
  return oauth(100, 'Invalid parameter', {
    error_subcode: subcode,
    is_transient: false,
    error_user_title: title,
    error_user_msg: userMsg,
    ...(blame ? { error_data: { blame_field_specs: [[blame]] } } : {}),
  });
}

export const errors = {
  deprecatedVersion: (latest: string) =>
    oauth(
      2635,
      `(#2635) You are calling a deprecated version of the Ads API. Please update to the latest version: ${latest}.`,
    ),
  unknownPath: (components: string) => oauth(2500, `Unknown path components: ${components}`),
  currentUserNeedsUserToken: () =>
    oauth(2500, 'An active access token must be used to query information about the current user.'),
  missingToken: () => oauth(104, 'An access token is required to request this resource.'),
  unparsableToken: () => oauth(190, 'Invalid OAuth access token - Cannot parse access token'),
  revokedToken: () =>
    oauth(
      190,
      'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
      {
        error_subcode: 460,
      },
    ),
  expiredToken: (expired: string, now: string) =>
    oauth(
      190,
      `Error validating access token: Session has expired on ${expired}. The current time is ${now}.`,
      {
        error_subcode: 463,
      },
    ),
  proofRequired: () =>
    new GraphError({
      message: 'API calls from the server require an appsecret_proof argument',
      type: 'GraphMethodException',
      code: 100,
    }),
  proofInvalid: () =>
    new GraphError({
      message: 'Invalid appsecret_proof provided in the API argument',
      type: 'GraphMethodException',
      code: 100,
    }),
  unsupportedRequest: (method: string, id: string) =>
    new GraphError({
      message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. ${GRAPH_DOCS}`,
      type: 'GraphMethodException',
      code: 100,
      error_subcode: 33,
    }),
  readPermission: () =>
    oauth(200, '(#200) Ad account owner has NOT grant ads_management or ads_read permission', {}, 403),
  writePermission: () =>
    oauth(200, '(#200) Requires ads_management permission to manage the object', {}, 403),
  nonexistingField: (field: string, nodeType: string) =>
    oauth(100, `(#100) Tried accessing nonexisting field (${field}) on node type (${nodeType})`),
  invalidInsightsFields: (fields: string[]) =>
    oauth(
      100,
      `(#100) ${fields.join(', ')} ${fields.length === 1 ? 'is' : 'are'} not valid for fields param. please check https://developers.facebook.com/docs/marketing-api/reference/ads-insights/ for all valid values`,
    ),
  paramMustBeOneOf: (param: string, values: readonly string[]) =>
    oauth(100, `(#100) Param ${param} must be one of {${values.join(', ')}}`),
  paramInvalid: (param: string, what: string) => oauth(100, `(#100) Param ${param} ${what}`),
  paramRequired: (param: string) => oauth(100, `(#100) The parameter ${param} is required`),
  /** Meta's exact wording for an unknown write parameter was not found; code 100 is what Meta uses. */
  paramUnknown: (param: string) =>
    oauth(100, `(#100) Param ${param} is not a valid parameter for this endpoint`),
  notImplemented: (what: string) =>
    new GraphError(
      { message: `(#3) The MetaBuyer simulator does not implement ${what}`, type: 'OAuthException', code: 3 },
      501,
    ),
  budgetLevel: () =>
    invalidParameter(
      1885621,
      'Budget Conflict: Campaign Already Has a Budget',
      'You can only set an ad set budget or a campaign budget.',
      'daily_budget',
    ),
  budgetTooLow: (what: 'ad set' | 'campaign', minimum: string) =>
    invalidParameter(
      1885272,
      'Your Budget Is Too Low',
      `The budget for this ${what} must be at least ${minimum} per day. Please edit your budget in your ${what} to enable delivery of your ads.`,
      'daily_budget',
    ),
  budgetMissing: () =>
    invalidParameter(
      1885621,
      'Budget Required',
      'Your campaign has no campaign budget, so this ad set needs its own daily_budget or lifetime_budget.',
      'daily_budget',
    ),
  tooManyBudgetChanges: () =>
    oauth(613, '(#613) Calls to this api have exceeded the rate limit.', {
      error_subcode: 1487632,
      is_transient: true,
      error_user_title: 'Too Many Budget Changes',
      error_user_msg:
        'You can only change your ad set budget 4 times per hour. Please wait before you change it again.',
    }),
  /** Subcodes from Meta's status best-practices page (§4 of the reference); the wording is ours. */
  archivedOrDeleted: (kind: 'campaign' | 'adset' | 'ad', status: 'ARCHIVED' | 'DELETED') => {
    const noun = kind === 'adset' ? 'ad set' : kind;
    const subcode = kind === 'campaign' ? 1487566 : kind === 'adset' ? 1487056 : 1885088;
    const rule =
      status === 'ARCHIVED'
        ? 'An archived object can only be renamed or deleted.'
        : 'A deleted object can only be renamed.';
    return invalidParameter(
      subcode,
      `Cannot edit ${status.toLowerCase()} ${noun}`,
      `This ${noun} is ${status.toLowerCase()}. ${rule}`,
      'status',
    );
  },
  invalidPageId: (pageId: string) =>
    oauth(100, `(#100) Param object_story_spec[page_id] must be a valid Page ID (got ${pageId})`, {
      error_data: { blame_field_specs: [['object_story_spec', 'page_id']] },
    }),
  tooMuchData: () =>
    oauth(
      1,
      "Please reduce the amount of data you're asking for, then retry your request",
      { error_subcode: 99, is_transient: false },
      500,
    ),
  reportNotReady: () =>
    oauth(2601, 'Error accessing adreport job.', {
      error_subcode: 1815107,
      is_transient: true,
      error_user_title: 'Loading Async Ads Report Failed',
      error_user_msg:
        'Sorry, the report cannot be loaded successfully. Please check if your job status is completed instead of failed or running before fetching the data.',
    }),
  throttledManagement: () =>
    oauth(
      80004,
      '(#80004) There have been too many calls to this ad-account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting#ads-management.',
      { error_subcode: 2446079 },
    ),
  throttledInsights: () =>
    oauth(
      80000,
      '(#80000) There have been too many calls from this ad-account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting#ads-insights.',
      { error_subcode: 2446079 },
    ),
  throttledLegacy: () =>
    oauth(17, '(#17) User request limit reached', { error_subcode: 2446079, is_transient: true }),
  batchTooLarge: () => oauth(1, 'Too many requests in batch message. Maximum batch size is 50', {}, 400),
  batchInvalid: (what: string) => oauth(100, `(#100) ${what}`),
  invalidAppId: () => oauth(101, 'Error validating application. Invalid application ID.'),
  invalidClientSecret: () => oauth(1, 'Error validating client secret.'),
  invalidCode: () => oauth(100, 'Invalid verification code format.'),
  usedCode: () => oauth(100, 'This authorization code has been used.', { error_subcode: 36009 }),
  expiredCode: () => oauth(100, 'This authorization code has expired.', { error_subcode: 36007 }),
  redirectUriMismatch: () =>
    oauth(
      100,
      'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
      { error_subcode: 36008 },
    ),
  unknownError: (status: number) =>
    oauth(
      status >= 500 ? 2 : 1,
      status >= 500
        ? 'An unexpected error has occurred. Please retry your request later.'
        : 'An unknown error occurred',
      { is_transient: status >= 500 },
      status,
    ),
};
