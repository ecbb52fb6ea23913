/**
 * Reads of ad objects: a node by id, and the list edges (campaigns, adsets, ads, adcreatives). Lists
 * leave out ARCHIVED and DELETED objects unless `effective_status` asks for them, as Meta's do, and keep
 * the order objects were created in.
 */
import { effectiveStatus } from '../../model/status.js';
import {
  type Account,
  type Ad,
  type AdSet,
  accountOf,
  type Campaign,
  type Creative,
} from '../../model/types.js';
import type { GraphResult } from '../context.js';
import { errors } from '../errors.js';
import { parseFields } from '../fields.js';
import { pagedList } from '../paging.js';
import { asList, asString, validateParams } from '../params.js';
import { NODE_TYPE, renderNode } from '../render-objects.js';
import { enumValues, findApi } from '../spec.js';
import { type Call, ok } from './call.js';

type Node = Account | Campaign | AdSet | Ad | Creative;

function selection(call: Call) {
  const text = asString(call.req.params.fields);
  return text ? parseFields(text) : undefined;
}

export function readNode(call: Call, node: Node): GraphResult {
  const api = findApi(NODE_TYPE[node.kind], 'GET', '#get');
  if (api) validateParams(api, call.req.params, false);
  return ok(renderNode(node, selection(call), call.sim.state));
}

export type ListEdge = 'campaigns' | 'adsets' | 'ads' | 'adcreatives';
const EDGE_TYPE = { campaigns: 'Campaign', adsets: 'AdSet', ads: 'Ad', adcreatives: 'AdCreative' } as const;

function children(parent: Account | Campaign | AdSet | Ad, edge: ListEdge): Node[] {
  const campaigns = parent.kind === 'account' ? parent.campaigns : [];
  const adsets = parent.kind === 'campaign' ? parent.adsets : campaigns.flatMap((c) => c.adsets);
  const ads =
    parent.kind === 'adset' ? parent.ads : parent.kind === 'ad' ? [parent] : adsets.flatMap((s) => s.ads);
  switch (edge) {
    case 'campaigns':
      return campaigns;
    case 'adsets':
      return adsets;
    case 'ads':
      return ads;
    case 'adcreatives':
      return [];
  }
}

export function listEdge(call: Call, parent: Account | Campaign | AdSet | Ad, edge: ListEdge): GraphResult {
  const api = findApi(NODE_TYPE[parent.kind], 'GET', edge);
  if (api) validateParams(api, call.req.params, false);
  // Some list edges type effective_status as list<string>; Meta still checks the values, against the
  // listed node type's own effective_status enum.
  if (api?.params.get('effective_status')?.type === 'list<string>' && edge !== 'adcreatives') {
    const values = enumValues(`${EDGE_TYPE[edge]}_effective_status`) ?? [];
    for (const [i, v] of (asList(call.req.params.effective_status, 'effective_status') ?? []).entries()) {
      if (!values.includes(asString(v) ?? ''))
        throw errors.paramMustBeOneOf(`effective_status[${i}]`, values);
    }
  }
  const fields = selection(call);
  const state = call.sim.state;
  let items: Node[];
  if (edge === 'adcreatives') {
    items = [...state.objects.values()].filter(
      (o): o is Creative =>
        o.kind === 'creative' &&
        o.account === accountOf(parent) &&
        (parent.kind === 'account' || (parent.kind === 'ad' && parent.creativeId === o.id)),
    );
  } else {
    const wanted = asList(call.req.params.effective_status, 'effective_status')?.map(
      (s) => asString(s) ?? '',
    );
    items = children(parent, edge).filter((o) => {
      const status = effectiveStatus(o as Campaign | AdSet | Ad);
      return wanted ? wanted.includes(status) : status !== 'ARCHIVED' && status !== 'DELETED';
    });
  }
  return ok(
    pagedList(call.req, call.sim.settings, items.length, (i) => renderNode(items[i] as Node, fields, state)),
  );
}
