import { describe, expect, it } from 'vitest';
import { addDays, localDate, presetRange } from '../../../src/meta/dates.js';

describe('account-local dates', () => {
  it('takes the local date in the account time zone, not UTC', () => {
    const at = new Date('2026-11-20T03:00:00Z');
    expect(localDate(at, 'America/New_York')).toBe('2026-11-19');
    expect(localDate(at, 'Asia/Tokyo')).toBe('2026-11-20');
    expect(localDate(at, 'Not/AZone')).toBe('2026-11-20');
  });

  it('counts last_Nd as the N complete days ending yesterday, as Meta does', () => {
    expect(presetRange('last_7d', '2026-11-20')).toEqual({ since: '2026-11-13', until: '2026-11-19' });
    expect(presetRange('yesterday', '2026-03-01')).toEqual({ since: '2026-02-28', until: '2026-02-28' });
    expect(presetRange('last_month', '2026-03-15')).toEqual({ since: '2026-02-01', until: '2026-02-28' });
    expect(presetRange('last_week_mon_sun', '2026-11-20')).toEqual({
      since: '2026-11-09',
      until: '2026-11-15',
    });
    expect(presetRange('maximum', '2026-11-20')).toBeNull();
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -14)).toBe('2026-02-15');
  });
});
