/**
 * Request parameters. Meta takes them from the query string, a form body or a JSON body, and a list or
 * map may arrive as a real JSON value or as a JSON-encoded string (SDKs do both); these helpers read all
 * shapes the same way, and check values against the endpoint's spec.
 */
import { errors } from './errors.js';
import { type ApiSpec, enumValues } from './spec.js';

export type Params = Record<string, unknown>;

/**
 * Parameters every Graph endpoint accepts, whatever its spec says. `id` is among them because Meta's
 * own Node SDK sends the object's id in the body of every update.
 */
export const COMMON_PARAMS = new Set([
  'id',
  'access_token',
  'appsecret_proof',
  'method',
  'format',
  'pretty',
  'suppress_http_code',
  'locale',
  'debug',
  'callback',
  'transport',
  'fields',
  'include_headers',
  'limit',
  'after',
  'before',
]);

export function asString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A list parameter: a JSON array, a JSON-encoded array, or (as Meta also allows) "a,b,c". */
export function asList(v: unknown, param: string): unknown[] | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') {
    const trimmed = v.trim();
    if (trimmed.startsWith('[')) {
      const parsed = parseJson(trimmed);
      if (Array.isArray(parsed)) return parsed;
      throw errors.paramInvalid(param, 'must be an array');
    }
    return trimmed.split(',').map((s) => s.trim());
  }
  throw errors.paramInvalid(param, 'must be an array');
}

export function asObject(v: unknown, param: string): Record<string, unknown> | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const value = typeof v === 'string' ? parseJson(v) : v;
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw errors.paramInvalid(param, 'must be a JSON object');
}

export function asInt(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? v : undefined;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

export function asBool(v: unknown): boolean | undefined {
  if (v === true || v === 'true' || v === '1' || v === 1) return true;
  if (v === false || v === 'false' || v === '0' || v === 0) return false;
  return undefined;
}

function checkValue(name: string, type: string, value: unknown): void {
  const list = /^list<(.+)>$/.exec(type);
  if (list) {
    const items = asList(value, name) ?? [];
    const inner = list[1] as string;
    for (const [i, item] of items.entries()) checkValue(`${name}[${i}]`, inner, item);
    return;
  }
  if (type === 'unsigned int' || type === 'int') {
    const n = asInt(value);
    if (n === undefined) throw errors.paramInvalid(name, 'must be an integer');
    if (type === 'unsigned int' && n < 0) throw errors.paramInvalid(name, 'must be a non-negative integer');
    return;
  }
  if (type === 'bool') {
    if (asBool(value) === undefined) throw errors.paramInvalid(name, 'must be a boolean');
    return;
  }
  const values = enumValues(type);
  if (values) {
    const s = asString(value);
    if (s === undefined || !values.includes(s)) throw errors.paramMustBeOneOf(name, values);
  }
}

/**
 * Checks params against an endpoint's spec: required ones present, typed ones well-formed, enum values
 * known. With `strict` (writes), a parameter the endpoint does not take is an error, as a misspelt
 * write must never silently do nothing; reads ignore unknown parameters, as Meta does.
 */
export function validateParams(api: ApiSpec, params: Params, strict: boolean): void {
  if (strict) {
    for (const name of Object.keys(params)) {
      if (!api.params.has(name) && !COMMON_PARAMS.has(name)) throw errors.paramUnknown(name);
    }
  }
  for (const [name, p] of api.params) {
    const value = params[name];
    if (value === undefined || value === '') {
      if (p.required) throw errors.paramRequired(name);
      continue;
    }
    checkValue(name, p.type, value);
  }
}
