/**
 * GET act_X/activities: the account's activity log, newest first, paged with Meta-style cursors.
 * Parameters are checked against the spec's `activities` edge (the `category` and `data_source` enums);
 * `since` / `until` take unix seconds or a date(-time) string, as Meta's datetime parameters do, and are
 * inclusive. `fields` are checked against the AdActivity node; without `fields` an entry is
 * `{event_time, event_type}`. Unmodelled filters (`oid`, `uid`, `business_id`, `add_children`,
 * `extra_oids`, `data_source`) are accepted and ignored.
 *
 * Recording: `recordApiWrite` is called by the write handlers with the object's state before the
 * write; the actor is the token's user, the application the scenario's app.
 */
import { type ActivityActor, changeActivities, type SimActivity } from '../../model/activities.js';
import type { Account, Ad, AdSet, Campaign } from '../../model/types.js';
import { formatMetaTime } from '../../time/local-date.js';
import type { GraphResult } from '../context.js';
import { errors } from '../errors.js';
import { checkFields, parseFields } from '../fields.js';
import { pagedList } from '../paging.js';
import { asString, validateParams } from '../params.js';
import { findApi } from '../spec.js';
import { type Call, ok } from './call.js';
import { applicationName, userName } from './identity.js';

/** Who a Graph call acts as, in the activity log. */
export function apiActor(call: Call): ActivityActor {
  const t = call.caller.token;
  const state = call.sim.state;
  return {
    actorId: t?.userId,
    actorName: t ? userName(t, state) : applicationName(state),
    applicationId: state.scenario.app.id,
    applicationName: applicationName(state),
  };
}

/** Logs what a write through the API changed (nothing, if it changed nothing). */
export function recordApiWrite(
  call: Call,
  o: Campaign | AdSet | Ad,
  before: { status: string; dailyBudget: number | undefined; name: string },
): void {
  const state = call.sim.state;
  state.activities.push(...changeActivities(o, before, apiActor(call), state.nowMs()));
}

function parseTime(v: unknown, param: string): number | undefined {
  const s = asString(v);
  if (s === undefined || s === '') return undefined;
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
  if (!Number.isFinite(ms)) throw errors.paramInvalid(param, 'must be a unix timestamp or a date-time');
  return ms;
}

function render(a: SimActivity, fields: string[]): Record<string, unknown> {
  const values: Record<string, unknown> = {
    actor_id: a.actorId,
    actor_name: a.actorName,
    application_id: a.applicationId,
    application_name: a.applicationName,
    date_time_in_timezone: formatMetaTime(a.eventTimeMs, a.account.timezone),
    event_time: new Date(a.eventTimeMs).toISOString().replace(/\.\d{3}Z$/, '+0000'),
    event_type: a.eventType,
    extra_data: JSON.stringify(a.extraData),
    object_id: a.objectId,
    object_name: a.objectName,
    object_type: a.objectType,
    translated_event_type: a.eventType.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()),
  };
  const out: Record<string, unknown> = {};
  for (const f of fields) if (values[f] !== undefined) out[f] = values[f];
  return out;
}

export function listActivities(call: Call, account: Account): GraphResult {
  const params = call.req.params;
  const api = findApi('AdAccount', 'GET', 'activities');
  if (api) validateParams(api, params, false);
  const text = asString(params.fields);
  const selection = text ? parseFields(text) : undefined;
  if (selection) checkFields(selection, 'AdActivity');
  const fields = selection ? selection.map((f) => f.name) : ['event_time', 'event_type'];
  const since = parseTime(params.since, 'since');
  const until = parseTime(params.until, 'until');
  const category = asString(params.category);
  const items: SimActivity[] = [];
  const log = call.sim.state.activities;
  for (let i = log.length - 1; i >= 0; i--) {
    const a = log[i] as SimActivity;
    if (a.account !== account) continue;
    if (since !== undefined && a.eventTimeMs < since) continue;
    if (until !== undefined && a.eventTimeMs > until) continue;
    if (category && !a.categories.includes(category)) continue;
    items.push(a);
  }
  return ok(pagedList(call.req, call.sim.settings, items.length, (i) => render(items[i]!, fields)));
}
