/** Simulator scenarios for the kill switch's trips, built from the shipped seed. */
import { type Json, seedScenario } from './sim.js';

/** The seed plus a row for today (2026-11-20 in New York): $2,000 spent by 10:00 on a ~$357/day account. */
export function pacedScenario(): Json {
  const s = seedScenario();
  const ad = s.ad_accounts[0].campaigns[0].adsets[0].ads[0];
  ad.daily.push({ ...ad.daily.at(-1), date: '2026-11-20', spend: 2000, purchases: 0, purchase_value: 0 });
  return s;
}

/** The seed with no purchase on its last two days, after a selling week. */
export function silentScenario(): Json {
  const s = seedScenario();
  for (const c of s.ad_accounts[0].campaigns)
    for (const set of c.adsets)
      for (const ad of set.ads)
        for (const d of ad.daily)
          if (d.date >= '2026-11-18') Object.assign(d, { purchases: 0, purchase_value: 0 });
  return s;
}
