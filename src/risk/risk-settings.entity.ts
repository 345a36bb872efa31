import { Column, Entity, PrimaryColumn } from 'typeorm';
import { numeric } from '../common/numeric.transformer.js';

/** After `count` stop losses within `windowSeconds`, no new deal for `cooldownSeconds` after the last of them. */
export interface StoplossGuard {
  count: number;
  windowSeconds: number;
  cooldownSeconds: number;
}

/** Limits of one exchange account, shared by every bot that trades on it; a missing limit does not apply. */
@Entity('risk_settings')
export class RiskSettingsEntity {
  @PrimaryColumn({ name: 'exchange_account_id', type: 'uuid' })
  exchangeAccountId: string;

  /** Quote currency. */
  @Column({ name: 'max_exposure', type: 'numeric', nullable: true, transformer: numeric })
  maxExposure: number | null;

  @Column({ name: 'max_open_deals', type: 'integer', nullable: true })
  maxOpenDeals: number | null;

  /** Quote currency, positive: new deals stop once today's realized PnL is at or below minus this. */
  @Column({ name: 'daily_loss_limit', type: 'numeric', nullable: true, transformer: numeric })
  dailyLossLimit: number | null;

  @Column({ name: 'stoploss_guard', type: 'jsonb', nullable: true })
  stoplossGuard: StoplossGuard | null;

  /** Set by the stoploss guard (market time): no new deal before it. */
  @Column({ name: 'paused_until', type: 'timestamptz', nullable: true })
  pausedUntil: Date | null;

  /** Set by the kill switch: no new deal until it is re-armed. */
  @Column({ name: 'kill_switch_at', type: 'timestamptz', nullable: true })
  killSwitchAt: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
