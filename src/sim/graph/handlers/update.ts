/**
 * POST {campaign|adset|ad} and DELETE {id}: status, name and daily_budget changes, with Meta's rules.
 * Parameters are checked against the node's `#update` spec, so an unknown one is refused rather than
 * ignored. `execution_options=["validate_only"]` runs every check and answers {"success":true} without
 * changing anything (and without counting as a budget change).
 *
 * ARCHIVED objects may only be renamed or moved to DELETED; DELETED objects may only be renamed.
 *
 * A budget change is a significant edit: it sets learning_stage_info.last_sig_edit_ts to now on the ad
 * set, or on every ad set of a CBO campaign whose budget changed (the learning stage itself is left as
 * it was). Writing the budget an object already has is accepted and changes nothing.
 */

import { snapshotOf } from '../../model/activities.js';
import type { Ad, AdSet, Campaign, Status } from '../../model/types.js';
import type { GraphResult } from '../context.js';
import { errors } from '../errors.js';
import { asInt, asList, asString, validateParams } from '../params.js';
import { NODE_TYPE } from '../render-objects.js';
import { findApi } from '../spec.js';
import { recordApiWrite } from './activities.js';
import { checkChangeRate, checkMinimum, recordChange } from './budget-rules.js';
import { type Call, ok } from './call.js';

type Writable = Campaign | AdSet | Ad;

export function isValidateOnly(params: Record<string, unknown>): boolean {
  const options = asList(params.execution_options, 'execution_options') ?? [];
  return options.some((o) => asString(o) === 'validate_only');
}

function checkLifecycle(o: Writable, status: Status | undefined, budgetChange: boolean): void {
  const statusChange = status !== undefined && status !== o.status;
  if (o.status === 'DELETED' && (statusChange || budgetChange))
    throw errors.archivedOrDeleted(o.kind, 'DELETED');
  if (o.status === 'ARCHIVED' && ((statusChange && status !== 'DELETED') || budgetChange)) {
    throw errors.archivedOrDeleted(o.kind, 'ARCHIVED');
  }
}

function checkBudget(call: Call, o: Writable, budget: number): void {
  if (o.kind === 'adset' && o.campaign.dailyBudget !== undefined) throw errors.budgetLevel();
  if (
    o.kind === 'campaign' &&
    o.dailyBudget === undefined &&
    o.adsets.some((s) => s.dailyBudget !== undefined)
  ) {
    throw errors.budgetLevel();
  }
  if (o.kind !== 'ad') checkMinimum(budget, o.account, o.kind === 'adset' ? 'ad set' : 'campaign');
  checkChangeRate(call.sim.state, o.id);
}

export function applyBudget(call: Call, o: Campaign | AdSet, budget: number): void {
  const state = call.sim.state;
  const now = state.nowMs();
  o.dailyBudget = budget;
  recordChange(state, o.id);
  const adsets = o.kind === 'adset' ? [o] : o.adsets;
  for (const s of adsets) s.lastSigEditMs = now;
}

export function updateObject(call: Call, o: Writable): GraphResult {
  const params = call.req.params;
  const api = findApi(NODE_TYPE[o.kind], 'POST', '#update');
  if (api) validateParams(api, params, true);
  const status = asString(params.status) as Status | undefined;
  const name = asString(params.name);
  const budget = params.daily_budget === undefined ? undefined : asInt(params.daily_budget);
  const budgetChange = o.kind !== 'ad' && budget !== undefined && budget !== o.dailyBudget;

  checkLifecycle(o, status, budgetChange);
  if (budgetChange && budget !== undefined) checkBudget(call, o, budget);
  if (isValidateOnly(params)) return ok({ success: true });

  const state = call.sim.state;
  const before = snapshotOf(o);
  if (status !== undefined) o.status = status;
  if (name !== undefined) o.name = name;
  if (budgetChange && budget !== undefined) applyBudget(call, o, budget);
  o.updatedMs = state.nowMs();
  recordApiWrite(call, o, before);
  state.touched();
  return ok({ success: true });
}

export function deleteObject(call: Call, o: Writable): GraphResult {
  if (o.status !== 'DELETED') {
    const before = snapshotOf(o);
    o.status = 'DELETED';
    recordApiWrite(call, o, before);
    o.updatedMs = call.sim.state.nowMs();
    call.sim.state.touched();
  }
  return ok({ success: true });
}
