/**
 * Scenario rules that JSON Schema cannot express. SCENARIO.md makes the budget rule part of the format
 * (a file that breaks it is refused); the others guard against files the simulator could not serve
 * faithfully (two objects answering to one id, an impossible date, an unknown time zone).
 */
import { lagProfileProblem } from '../../domain/conversion-lag.js';
import { isValidTimeZone, parseDate } from '../time/local-date.js';
import type { Scenario } from './schema.js';

export function scenarioProblems(s: Scenario): string[] {
  const problems: string[] = [];
  const ids = new Map<string, string>();
  const claim = (id: string, what: string) => {
    const previous = ids.get(id);
    if (previous) problems.push(`id ${id} is used twice (${previous} and ${what})`);
    else ids.set(id, what);
  };
  const tokens = new Set<string>();
  s.tokens.forEach((t, i) => {
    if (tokens.has(t.token)) problems.push(`tokens[${i}]: the same token string appears twice`);
    tokens.add(t.token);
  });
  (s.pages ?? []).forEach((p, i) => {
    claim(p.id, `pages[${i}]`);
  });

  s.ad_accounts.forEach((acct, ai) => {
    const at = `ad_accounts[${ai}]`;
    claim(acct.id, at);
    if (!isValidTimeZone(acct.timezone_name)) {
      problems.push(`${at}: timezone_name "${acct.timezone_name}" is not a known IANA time zone`);
    }
    const lagProblem = acct.conversion_lag ? lagProfileProblem(acct.conversion_lag) : null;
    if (lagProblem) problems.push(`${at}.conversion_lag: ${lagProblem}`);
    (acct.campaigns ?? []).forEach((c, ci) => {
      const cat = `${at}.campaigns[${ci}]`;
      claim(c.id, `campaign at ${cat}`);
      const cbo = c.daily_budget !== undefined;
      c.adsets.forEach((s2, si) => {
        const sat = `${cat}.adsets[${si}]`;
        claim(s2.id, `ad set at ${sat}`);
        if (cbo && s2.daily_budget !== undefined) {
          problems.push(
            `${sat}: ad set ${s2.id} has a daily_budget, but its campaign ${c.id} has one too (campaign budget, CBO): only one level may carry the budget`,
          );
        }
        if (!cbo && s2.status === 'ACTIVE' && s2.daily_budget === undefined) {
          problems.push(
            `${sat}: ACTIVE ad set ${s2.id} has no daily_budget, and its campaign ${c.id} has none either: without campaign budget every active ad set needs its own`,
          );
        }
        s2.ads.forEach((a, adi) => {
          const adat = `${sat}.ads[${adi}]`;
          claim(a.id, `ad at ${adat}`);
          const seen = new Set<string>();
          a.daily.forEach((row, ri) => {
            if (parseDate(row.date) === undefined)
              problems.push(`${adat}.daily[${ri}]: ${row.date} is not a real date`);
            if (seen.has(row.date))
              problems.push(`${adat}.daily[${ri}]: ad ${a.id} has two rows for ${row.date}`);
            seen.add(row.date);
          });
        });
      });
    });
  });
  return problems;
}
