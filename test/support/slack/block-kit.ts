/**
 * Block Kit validation for tests and for the fake Slack server: the third-party JSON Schema in
 * test/fixtures/slack-schemas (ajv, draft 2020-12) plus the limits the schema leaves out (50 blocks per
 * message, the cumulative text budget). Errors are worded as Slack words them:
 * "failed to match all allowed schemas [json-pointer:/blocks/0/text]".
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { blockTextChars, LIMITS } from '../../../src/slack/blocks/limits.js';
import { ROOT } from '../shared.js';

const SCHEMA_PATH = path.join(ROOT, 'test', 'fixtures', 'slack-schemas', 'slack-block-kit.schema.json');

interface Validators {
  blocks: ValidateFunction;
  modal: ValidateFunction;
  home: ValidateFunction;
}

let compiled: Validators | null = null;

function validators(): Validators {
  if (compiled) return compiled;
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  // ajv-formats is CommonJS; under NodeNext its default export may arrive wrapped.
  const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
    a: Ajv2020,
  ) => void;
  addFormats(ajv);
  ajv.addSchema(schema);
  const id = schema.$id as string;
  compiled = {
    blocks: ajv.getSchema(id)!,
    modal: ajv.getSchema(`${id}#/$defs/modal_view`)!,
    home: ajv.getSchema(`${id}#/$defs/home_view`)!,
  };
  return compiled;
}

function slackErrors(errors: ErrorObject[] | null | undefined, prefix: string): string[] {
  const seen = new Set<string>();
  for (const e of errors ?? [])
    seen.add(`${e.message ?? 'invalid'} [json-pointer:${prefix}${e.instancePath}]`);
  return [...seen].slice(0, 10);
}

/** Problems with a message's blocks (chat.postMessage, chat.update, response_url); empty when valid. */
export function messageBlocksProblems(blocks: unknown): { error: string; errors: string[] } | null {
  if (!Array.isArray(blocks)) return { error: 'invalid_blocks_format', errors: ['blocks must be an array'] };
  if (blocks.length > LIMITS.messageBlocks) {
    return {
      error: 'invalid_blocks',
      errors: [`no more than ${LIMITS.messageBlocks} items allowed [json-pointer:/blocks]`],
    };
  }
  const v = validators().blocks;
  if (blocks.length > 0 && !v(blocks))
    return { error: 'invalid_blocks', errors: slackErrors(v.errors, '/blocks') };
  if (blockTextChars(blocks) > LIMITS.messageBlockChars) return { error: 'msg_blocks_too_long', errors: [] };
  return null;
}

/** Problems with a modal or Home view (views.open/update/publish); empty when valid. */
export function viewProblems(view: unknown): { error: string; errors: string[] } | null {
  const type = (view as { type?: unknown } | null)?.type;
  const v = type === 'home' ? validators().home : type === 'modal' ? validators().modal : null;
  if (!v)
    return {
      error: 'invalid_arguments',
      errors: ['view.type must be modal or home [json-pointer:/view/type]'],
    };
  if (!v(view)) return { error: 'invalid_arguments', errors: slackErrors(v.errors, '/view') };
  return null;
}

/** For assertions: throws with Slack's wording when a message would be refused. */
export function assertValidMessage(message: { text?: unknown; blocks: unknown }): void {
  if (typeof message.text !== 'string' || message.text.length === 0)
    throw new Error('message has no text fallback');
  if (message.text.length > LIMITS.messageText) throw new Error(`text of ${message.text.length} characters`);
  const p = messageBlocksProblems(message.blocks);
  if (p) throw new Error(`${p.error}: ${p.errors.join('; ')}`);
}

export function assertValidView(view: unknown): void {
  const p = viewProblems(view);
  if (p) throw new Error(`${p.error}: ${p.errors.join('; ')}`);
}
