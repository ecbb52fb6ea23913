import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/lib/errors.js';
import { classifyMetaError, MetaApiError, parseMetaErrorBody } from '../../../src/meta/errors.js';

const ctx = { method: 'GET', path: '/v26.0/act_1/insights', apiVersion: 'v26.0' };

function errorFor(error: Record<string, unknown>, httpStatus = 400): MetaApiError {
  const body = parseMetaErrorBody({ error });
  if (!body) throw new Error('not a Meta error');
  return new MetaApiError(body, { ...ctx, httpStatus });
}

describe('Meta error taxonomy', () => {
  it.each([
    // retry: passing faults
    [{ code: 1 }, 'retry'],
    [{ code: 2 }, 'retry'],
    [{ code: 100, is_transient: true }, 'retry'],
    [{ code: 3, is_transient: true }, 'retry'],
    // back_off: throttles
    [{ code: 4 }, 'back_off'],
    [{ code: 4, error_subcode: 1504022 }, 'back_off'],
    [{ code: 17, error_subcode: 2446079 }, 'back_off'],
    [{ code: 32 }, 'back_off'],
    [{ code: 341 }, 'back_off'],
    [{ code: 613 }, 'back_off'],
    [{ code: 613, error_subcode: 1487742 }, 'back_off'],
    [{ code: 613, error_subcode: 1487632 }, 'back_off'],
    [{ code: 80000, error_subcode: 2446079 }, 'back_off'],
    [{ code: 80004, error_subcode: 2446079 }, 'back_off'],
    [{ code: 80014 }, 'back_off'],
    // reauthenticate: the token
    [{ code: 190 }, 'reauthenticate'],
    [{ code: 190, error_subcode: 458 }, 'reauthenticate'],
    [{ code: 190, error_subcode: 460 }, 'reauthenticate'],
    [{ code: 190, error_subcode: 463 }, 'reauthenticate'],
    [{ code: 190, error_subcode: 467 }, 'reauthenticate'],
    [{ code: 102 }, 'reauthenticate'],
    // permission
    [{ code: 10 }, 'permission'],
    [{ code: 200 }, 'permission'],
    [{ code: 270 }, 'permission'],
    [{ code: 294 }, 'permission'],
    [{ code: 299 }, 'permission'],
    // invalid: never retried
    [{ code: 100 }, 'invalid'],
    [{ code: 100, error_subcode: 33 }, 'invalid'],
    [{ code: 100, error_subcode: 1885621 }, 'invalid'],
    [{ code: 100, error_subcode: 1487534 }, 'invalid'],
    [{ code: 1, error_subcode: 99 }, 'invalid'],
    [{ code: 368 }, 'invalid'],
    [{ code: 368, is_transient: true }, 'invalid'],
    [{ code: 2635 }, 'invalid'],
    [{ code: 3018 }, 'invalid'],
    [{ code: 12345 }, 'invalid'],
  ])('classifies %j as %s', (error, verdict) => {
    expect(errorFor({ message: 'x', ...error }).verdict).toBe(verdict);
  });

  it('classifies by code and subcode, never by HTTP status or message text', () => {
    const throttleAs500 = errorFor({ code: 80004, message: 'Invalid OAuth access token' }, 500);
    const authAs200 = errorFor(
      { code: 190, error_subcode: 463, message: 'Please retry later, temporary' },
      200,
    );
    const invalidAs503 = errorFor({ code: 100, message: 'Service temporarily unavailable, rate limit' }, 503);
    expect(throttleAs500.verdict).toBe('back_off');
    expect(authAs200.verdict).toBe('reauthenticate');
    expect(invalidAs503.verdict).toBe('invalid');
  });

  it('reads codes that arrive as strings and error_data that arrives as a JSON string', () => {
    const e = errorFor({
      code: '100',
      error_subcode: '1487901',
      is_transient: false,
      error_user_title: 'Budget too low',
      error_user_msg: 'The budget for your Ad-Set is too low. It must be at least $1.00 per day.',
      error_data: JSON.stringify({ blame_field_specs: [['daily_budget']] }),
    });
    expect(e.metaCode).toBe(100);
    expect(e.metaSubcode).toBe(1487901);
    expect(e.blameFieldSpecs).toEqual([['daily_budget']]);
    expect(e.details.blame_field_specs).toEqual([['daily_budget']]);
    expect(e).toBeInstanceOf(AppError);
  });

  it('tells the operator to reconnect when the token has expired', () => {
    const e = errorFor({
      code: 190,
      error_subcode: 463,
      message: 'Error validating access token: Session has expired',
    });
    expect(e.code).toBe('meta_token_expired');
    expect(e.message).toContain('The Meta access token has expired. Reconnect with `metabuyer connect`');
  });

  it("shows Meta's user-facing title and message, and keeps fbtrace_id for support", () => {
    const e = errorFor({
      code: 100,
      error_subcode: 1885621,
      error_user_title: 'Budget Conflict',
      error_user_msg: 'Campaign Already Has a Budget',
      fbtrace_id: 'AbCdEf123',
    });
    expect(e.message).toContain('Budget Conflict: Campaign Already Has a Budget');
    expect(e.details.fbtrace_id).toBe('AbCdEf123');
    expect(e.fbtraceId).toBe('AbCdEf123');
  });

  it('names the configured version when Meta says it is deprecated', () => {
    const e = errorFor({ code: 2635, message: 'You are calling a deprecated version of the Ads API' });
    expect(e.code).toBe('meta_unsupported_version');
    expect(e.message).toContain('v26.0');
    expect(e.message).toContain('META_API_VERSION');
  });

  it('never promises to retry a policy block', () => {
    const e = errorFor({ code: 368 });
    expect(e.retryable).toBe(false);
    expect(e.message).toContain('will not retry');
  });

  it('marks "too much data" so the insights reader can switch to an async report', () => {
    expect(classifyMetaError({ code: 100, error_subcode: 1487534 }).tooMuchData).toBe(true);
    expect(classifyMetaError({ code: 1, error_subcode: 99 }).tooMuchData).toBe(true);
    expect(classifyMetaError({ code: 1 }).tooMuchData).toBe(false);
  });

  it('takes the wait from estimated_time_to_regain_access in error_data when Meta puts it there', () => {
    const e = errorFor({ code: 80004, error_data: { estimated_time_to_regain_access: 5 } });
    expect(e.retryAfterMs).toBe(300_000);
    expect(e.message).toContain('about 5 minutes');
  });

  it('does not mistake an arbitrary JSON body for a Meta error', () => {
    expect(parseMetaErrorBody({ data: [] })).toBeNull();
    expect(parseMetaErrorBody('<html>502 Bad Gateway</html>')).toBeNull();
    expect(parseMetaErrorBody({ error: 'nope' })).toBeNull();
    expect(parseMetaErrorBody(JSON.stringify({ error: { code: 2, message: 'x' } }))?.code).toBe(2);
  });
});
