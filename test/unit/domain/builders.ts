import {
  type AgentConfig,
  type AgentConfigInput,
  parseAgentConfig,
} from '../../../src/domain/agent-config.js';
import type {
  AccountInfo,
  DailyRow,
  DeliverySums,
  EntityMeta,
  Level,
  Snapshot,
  WindowRow,
} from '../../../src/domain/snapshot.js';

/** Tests' "now": 10:00 in New York on 2026-11-20, so yesterday is 2026-11-19. */
export const NOW = '2026-11-20T15:00:00Z';
export const YESTERDAY = '2026-11-19';

export function sums(partial: Partial<DeliverySums> = {}): DeliverySums {
  return {
    spend: 0,
    impressions: 0,
    reach: 0,
    clicks: 0,
    linkClicks: 0,
    purchases: 0,
    purchaseValue: 0,
    ...partial,
  };
}

/** Target CPA $120, target ROAS 1.8, everything else default. */
export function config(overrides: AgentConfigInput = {}): AgentConfig {
  return parseAgentConfig({ targetCpaMinor: 12000, targetRoas: 1.8, ...overrides });
}

type EntityOverrides = Partial<Omit<EntityMeta, 'id' | 'level'>>;

/**
 * A small account written entity by entity. Rows are set per entity and are not cross-checked, so a
 * test can give an ad set figures without inventing its ads.
 */
export class SnapshotBuilder {
  private readonly entities: EntityMeta[] = [];
  private readonly windowRows: WindowRow[] = [];
  private readonly dailyRows: DailyRow[] = [];
  private accountInfo: AccountInfo = {
    id: 'act_1',
    name: 'Test account',
    currency: 'USD',
    timezone: 'America/New_York',
    accountStatus: 1,
    minDailyBudget: 100,
  };
  private takenAt = NOW;

  account(overrides: Partial<AccountInfo>): this {
    this.accountInfo = { ...this.accountInfo, ...overrides };
    return this;
  }

  at(takenAt: string): this {
    this.takenAt = takenAt;
    return this;
  }

  campaign(id: string, overrides: EntityOverrides = {}): this {
    return this.add({
      id,
      level: 'campaign',
      campaignId: id,
      adsetId: null,
      dailyBudget: null,
      ...overrides,
    });
  }

  adset(id: string, campaignId: string, overrides: EntityOverrides = {}): this {
    return this.add({
      id,
      level: 'adset',
      campaignId,
      adsetId: null,
      dailyBudget: 10_000,
      learningStage: 'SUCCESS',
      ...overrides,
    });
  }

  ad(id: string, adsetId: string, overrides: EntityOverrides = {}): this {
    const parent = this.entities.find((e) => e.id === adsetId);
    return this.add({
      id,
      level: 'ad',
      campaignId: parent?.campaignId ?? '0',
      adsetId,
      dailyBudget: null,
      ...overrides,
    });
  }

  /** Decision-window figures for an entity. */
  window(entityId: string, partial: Partial<DeliverySums>): this {
    this.windowRows.push({ entityId, level: this.levelOf(entityId), ...sums(partial) });
    return this;
  }

  /** One day's figures for an entity. */
  day(entityId: string, date: string, partial: Partial<DeliverySums>): this {
    this.dailyRows.push({ entityId, level: this.levelOf(entityId), date, ...sums(partial) });
    return this;
  }

  build(): Snapshot {
    return {
      account: this.accountInfo,
      takenAt: this.takenAt,
      window: { preset: 'last_7d', since: '2026-11-13', until: YESTERDAY },
      purchaseActionType: 'omni_purchase',
      entities: [...this.entities],
      windowRows: [...this.windowRows],
      dailyRows: [...this.dailyRows],
    };
  }

  private add(partial: Partial<EntityMeta> & { id: string; level: Level }): this {
    this.entities.push({
      name: `${partial.level} ${partial.id}`,
      campaignId: partial.id,
      adsetId: null,
      status: 'ACTIVE',
      effectiveStatus: partial.status ?? 'ACTIVE',
      dailyBudget: null,
      learningStage: null,
      lastSignificantEditAt: null,
      ...partial,
    });
    return this;
  }

  private levelOf(entityId: string): Level {
    const entity = this.entities.find((e) => e.id === entityId);
    if (!entity) throw new Error(`add entity ${entityId} before its rows`);
    return entity.level;
  }
}

/** A plain ABO account: campaign 1 → ad set 11 (budget $100) → ad 111. */
export function aboAccount(): SnapshotBuilder {
  return new SnapshotBuilder().campaign('1').adset('11', '1').ad('111', '11');
}

/** A CBO account: campaign 2 (budget $160) → ad set 21 (no budget) → ad 211. */
export function cboAccount(): SnapshotBuilder {
  return new SnapshotBuilder()
    .campaign('2', { dailyBudget: 16_000 })
    .adset('21', '2', { dailyBudget: null })
    .ad('211', '21');
}
