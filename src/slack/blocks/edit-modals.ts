import { currencyExponent, toMinorUnits } from '../../domain/money.js';
import type { FieldErrors, ViewStateValues } from './confirm-modal.js';
import { CALLBACK_IDS, encodeModalMetadata } from './ids.js';
import { plain, section } from './kit.js';
import { LIMITS } from './limits.js';
import type { HomeAgentView } from './types.js';

/**
 * The App Home edit modals and their validators. A validator turns a view_submission's state values
 * into the settings to store, or into `response_action: errors` keyed by block_id, which Slack shows
 * under the fields; nothing is stored from a submission with any error.
 */
export const EDIT_BLOCKS = {
  targetCpa: 'mb_target_cpa',
  targetRoas: 'mb_target_roas',
  interval: 'mb_interval',
  datePreset: 'mb_date_preset',
  attribution: 'mb_attribution',
  operators: 'mb_operators',
  approvers: 'mb_approvers',
  execution: 'mb_execution',
} as const;
const VALUE = 'value';

export const INTERVAL_HOURS = [1, 2, 3, 4, 6, 8, 12, 24] as const;
export const DATE_PRESETS = [
  'yesterday',
  'last_3d',
  'last_7d',
  'last_14d',
  'last_28d',
  'last_30d',
  'last_90d',
] as const;
export const ATTRIBUTION_WINDOWS = [
  '1d_click',
  '7d_click',
  '1d_view',
  '1d_click_1d_view',
  '7d_click_1d_view',
] as const;

type Validated<T> = { ok: true; value: T } | { ok: false; response: FieldErrors };

function modal(
  kind: 'targets' | 'schedule' | 'people' | 'execution',
  title: string,
  agentId: string,
  blocks: unknown[],
) {
  const callback = {
    targets: CALLBACK_IDS.editTargets,
    schedule: CALLBACK_IDS.editSchedule,
    people: CALLBACK_IDS.editPeople,
    execution: CALLBACK_IDS.editExecution,
  }[kind];
  return {
    type: 'modal',
    callback_id: callback,
    title: plain(title, LIMITS.viewTitle),
    submit: plain('Save', LIMITS.viewTitle),
    close: plain('Cancel', LIMITS.viewTitle),
    private_metadata: encodeModalMetadata({ agentId, planId: null, kind }),
    blocks,
  };
}

function textInput(blockId: string, label: string, initial: string, hint: string, optional = true) {
  return {
    type: 'input',
    block_id: blockId,
    optional,
    label: plain(label, LIMITS.inputLabel),
    hint: plain(hint),
    element: {
      type: 'plain_text_input',
      action_id: VALUE,
      max_length: 30,
      ...(initial ? { initial_value: initial } : {}),
    },
  };
}

function option(text: string, value: string) {
  return { text: plain(text, 75), value };
}

function select(blockId: string, label: string, options: { text: string; value: string }[], initial: string) {
  const opts = options.map((o) => option(o.text, o.value));
  const init = opts.find((o) => o.value === initial);
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label, LIMITS.inputLabel),
    element: {
      type: 'static_select',
      action_id: VALUE,
      options: opts,
      ...(init ? { initial_option: init } : {}),
    },
  };
}

function major(minor: number | null, currency: string): string {
  if (minor === null) return '';
  const digits = currencyExponent(currency);
  return (minor / 10 ** digits).toFixed(digits);
}

export function renderTargetsModal(a: HomeAgentView): Record<string, unknown> {
  return modal('targets', 'Targets', a.agentId, [
    section(`Targets for \`${a.adAccountId}\`, in ${a.currency}. Leave a field empty to clear it.`),
    textInput(
      EDIT_BLOCKS.targetCpa,
      `Target CPA (${a.currency})`,
      major(a.targets.cpa, a.currency),
      'e.g. 120 or 119.50',
    ),
    textInput(
      EDIT_BLOCKS.targetRoas,
      'Target ROAS',
      a.targets.roas === null ? '' : String(a.targets.roas),
      'e.g. 1.8',
    ),
  ]);
}

export function renderScheduleModal(a: HomeAgentView): Record<string, unknown> {
  return modal('schedule', 'Schedule', a.agentId, [
    select(
      EDIT_BLOCKS.interval,
      'Poll every',
      INTERVAL_HOURS.map((h) => ({ text: `${h} h`, value: String(h * 3600) })),
      String(a.schedule.intervalSeconds),
    ),
    select(
      EDIT_BLOCKS.datePreset,
      'Decision window',
      DATE_PRESETS.map((p) => ({ text: p, value: p })),
      a.window.datePreset,
    ),
    select(
      EDIT_BLOCKS.attribution,
      'Attribution',
      ATTRIBUTION_WINDOWS.map((p) => ({ text: p, value: p })),
      a.window.attributionWindow,
    ),
  ]);
}

export function renderPeopleModal(a: HomeAgentView): Record<string, unknown> {
  const users = (blockId: string, label: string, initial: string[], hint: string) => ({
    type: 'input',
    block_id: blockId,
    label: plain(label, LIMITS.inputLabel),
    hint: plain(hint),
    element: {
      type: 'multi_users_select',
      action_id: VALUE,
      ...(initial.length > 0 ? { initial_users: initial.slice(0, 100) } : {}),
    },
  });
  return modal('people', 'People', a.agentId, [
    users(
      EDIT_BLOCKS.operators,
      'Operators',
      a.operators,
      'Can change settings, pause, and confirm executions.',
    ),
    users(EDIT_BLOCKS.approvers, 'Approvers', a.approvers, 'Can approve or reject actions.'),
  ]);
}

export function renderExecutionModal(a: HomeAgentView): Record<string, unknown> {
  const on = option('Enabled: approved actions may be executed after confirmation', 'enabled');
  const off = option('Disabled: nothing is written', 'disabled');
  return modal('execution', 'Execution', a.agentId, [
    section(
      `Environment *${a.environment}*. Even when enabled, every execution needs an operator to confirm it.`,
    ),
    {
      type: 'input',
      block_id: EDIT_BLOCKS.execution,
      label: plain('Execution', LIMITS.inputLabel),
      element: {
        type: 'radio_buttons',
        action_id: VALUE,
        options: [on, off],
        initial_option: a.executionEnabled ? on : off,
      },
    },
  ]);
}

function field(values: ViewStateValues, blockId: string): Record<string, unknown> | undefined {
  return values[blockId]?.[VALUE];
}

function errors(errs: Record<string, string>): { ok: false; response: FieldErrors } {
  return { ok: false, response: { response_action: 'errors', errors: errs } };
}

export function validateTargets(
  values: ViewStateValues,
  currency: string,
): Validated<{ targetCpaMinor: number | null; targetRoas: number | null }> {
  const errs: Record<string, string> = {};
  const cpaText = String(field(values, EDIT_BLOCKS.targetCpa)?.value ?? '').trim();
  const roasText = String(field(values, EDIT_BLOCKS.targetRoas)?.value ?? '').trim();
  let targetCpaMinor: number | null = null;
  let targetRoas: number | null = null;
  if (cpaText) {
    try {
      targetCpaMinor = toMinorUnits(cpaText.replace(/,/g, ''), currency);
      if (targetCpaMinor <= 0) errs[EDIT_BLOCKS.targetCpa] = 'The target CPA must be more than zero.';
    } catch {
      errs[EDIT_BLOCKS.targetCpa] = `Write an amount of ${currency}, like 120 or 119.50.`;
    }
  }
  if (roasText) {
    targetRoas = /^\d+(\.\d+)?$/.test(roasText) ? Number(roasText) : Number.NaN;
    if (!(targetRoas > 0 && targetRoas <= 100))
      errs[EDIT_BLOCKS.targetRoas] = 'Write a ROAS above 0, like 1.8.';
  }
  if (Object.keys(errs).length > 0) return errors(errs);
  return { ok: true, value: { targetCpaMinor, targetRoas } };
}

export function validateSchedule(
  values: ViewStateValues,
): Validated<{ intervalSeconds: number; datePreset: string; attributionWindow: string }> {
  const pick = (id: string) =>
    (field(values, id)?.selected_option as { value?: string } | null | undefined)?.value ?? '';
  const interval = Number(pick(EDIT_BLOCKS.interval));
  const datePreset = pick(EDIT_BLOCKS.datePreset);
  const attributionWindow = pick(EDIT_BLOCKS.attribution);
  const errs: Record<string, string> = {};
  if (!INTERVAL_HOURS.some((h) => h * 3600 === interval))
    errs[EDIT_BLOCKS.interval] = 'Pick an interval from the list.';
  if (!(DATE_PRESETS as readonly string[]).includes(datePreset))
    errs[EDIT_BLOCKS.datePreset] = 'Pick a window from the list.';
  if (!(ATTRIBUTION_WINDOWS as readonly string[]).includes(attributionWindow)) {
    errs[EDIT_BLOCKS.attribution] = 'Pick an attribution window from the list.';
  }
  if (Object.keys(errs).length > 0) return errors(errs);
  return { ok: true, value: { intervalSeconds: interval, datePreset, attributionWindow } };
}

const USER_ID = /^[UW][A-Z0-9]{2,20}$/;

export function validatePeople(
  values: ViewStateValues,
): Validated<{ operators: string[]; approvers: string[] }> {
  const users = (id: string) => {
    const raw = field(values, id)?.selected_users;
    return Array.isArray(raw) ? raw.map(String) : [];
  };
  const operators = users(EDIT_BLOCKS.operators);
  const approvers = users(EDIT_BLOCKS.approvers);
  const errs: Record<string, string> = {};
  if (operators.length === 0)
    errs[EDIT_BLOCKS.operators] = 'Keep at least one operator, or nobody can confirm or resume.';
  if (operators.some((u) => !USER_ID.test(u))) errs[EDIT_BLOCKS.operators] = 'Pick people from the list.';
  if (approvers.some((u) => !USER_ID.test(u))) errs[EDIT_BLOCKS.approvers] = 'Pick people from the list.';
  if (Object.keys(errs).length > 0) return errors(errs);
  return { ok: true, value: { operators: [...new Set(operators)], approvers: [...new Set(approvers)] } };
}

export function validateExecution(values: ViewStateValues): Validated<{ executionEnabled: boolean }> {
  const picked = (
    field(values, EDIT_BLOCKS.execution)?.selected_option as { value?: string } | null | undefined
  )?.value;
  if (picked !== 'enabled' && picked !== 'disabled') {
    return errors({ [EDIT_BLOCKS.execution]: 'Choose enabled or disabled.' });
  }
  return { ok: true, value: { executionEnabled: picked === 'enabled' } };
}
