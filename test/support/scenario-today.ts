/**
 * The seed scenario moved to today, for tests that run a real `metabuyer` process on the system clock
 * beside a harness: every calendar date of the scenario shifts by the same whole number of days, so its
 * figures (the 7-day window adding up to 2,843.19) stay the same while a plan made on the harness's clock
 * is still current on the process's clock.
 */
import { type Json, seedScenario } from './sim.js';

const DAY_MS = 86_400_000;

export function seedScenarioToday(today: Date = new Date()): { scenario: Json; now: string } {
  const seed = seedScenario();
  const from = new Date(String(seed.now));
  const days = Math.round(
    (Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) -
      Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate())) /
      DAY_MS,
  );
  const shifted = JSON.stringify(seed).replace(
    /"(\d{4}-\d{2}-\d{2})(T[^"]*)?"/g,
    (_m, date: string, time) => {
      const moved = new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
      return `"${moved}${time ?? ''}"`;
    },
  );
  const scenario = JSON.parse(shifted);
  return { scenario, now: String(scenario.now) };
}
