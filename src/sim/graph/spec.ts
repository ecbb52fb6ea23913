/**
 * Meta's published API specs (copied into ../specs), read once: which fields each node type has, which
 * edges and parameters each endpoint takes, and the enum values parameters may hold. The simulator
 * checks every request against these, so a typo in a client fails here as it would at Meta.
 */
import { readFileSync } from 'node:fs';

export type NodeType =
  | 'AdAccount'
  | 'Campaign'
  | 'AdSet'
  | 'Ad'
  | 'AdCreative'
  | 'AdReportRun'
  | 'AdsInsights'
  | 'User'
  | 'Permission'
  | 'AdCampaignLearningStageInfo'
  | 'AdCreativeObjectStorySpec'
  | 'AdActivity';

export interface ParamSpec {
  type: string;
  required: boolean;
}

export interface ApiSpec {
  method: 'GET' | 'POST' | 'DELETE';
  /** Edge name, or '#get' / '#update' / '#delete' for the node itself. */
  endpoint: string;
  returns: string;
  params: Map<string, ParamSpec>;
}

export interface NodeSpec {
  type: NodeType;
  fields: Map<string, string>;
  apis: ApiSpec[];
}

interface RawNode {
  apis: Array<{
    method: string;
    endpoint?: string;
    name?: string;
    return: string;
    params: Array<{ name: string; type: string; required: boolean }>;
  }>;
  fields: Array<{ name: string; type: string }>;
}

function readSpec(file: string): unknown {
  return JSON.parse(readFileSync(new URL(`../specs/${file}`, import.meta.url), 'utf8'));
}

const nodes = new Map<NodeType, NodeSpec>();
let enums: Map<string, string[]> | undefined;

export function nodeSpec(type: NodeType): NodeSpec {
  let spec = nodes.get(type);
  if (!spec) {
    const raw = readSpec(`${type}.json`) as RawNode;
    spec = {
      type,
      fields: new Map(raw.fields.map((f) => [f.name, f.type])),
      apis: raw.apis.map((a) => ({
        method: a.method as ApiSpec['method'],
        endpoint: a.endpoint ?? a.name ?? '',
        returns: a.return,
        params: new Map(a.params.map((p) => [p.name, { type: p.type, required: p.required }])),
      })),
    };
    nodes.set(type, spec);
  }
  return spec;
}

export function findApi(type: NodeType, method: string, endpoint: string): ApiSpec | undefined {
  return nodeSpec(type).apis.find((a) => a.method === method && a.endpoint === endpoint);
}

export function hasEdge(type: NodeType, endpoint: string): boolean {
  return nodeSpec(type).apis.some((a) => a.endpoint === endpoint);
}

/** The values of an enum type named by a spec (e.g. `adcampaigngroup_status`), or undefined if none. */
export function enumValues(typeName: string): string[] | undefined {
  if (!enums) {
    const raw = readSpec('enum_types.json') as Array<{ name: string; values: string[] }>;
    enums = new Map(raw.map((e) => [e.name, e.values]));
  }
  return enums.get(typeName);
}
