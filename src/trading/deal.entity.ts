import { Column, Entity, PrimaryColumn } from 'typeorm';
import { numeric } from '../common/numeric.transformer.js';

export type DealStatus = 'open' | 'closed' | 'canceled';

/** A position a bot opened: its entry comes from the fills of its orders. */
@Entity('deals')
export class DealEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'bot_id', type: 'uuid' })
  botId: string;

  @Column({ name: 'exchange_account_id', type: 'uuid' })
  exchangeAccountId: string;

  @Column({ type: 'text' })
  symbol: string;

  @Column({ type: 'text' })
  direction: 'long' | 'short';

  @Column({ type: 'text' })
  status: DealStatus;

  @Column({ name: 'trigger_id', type: 'uuid', nullable: true })
  triggerId: string | null;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt: Date;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ type: 'numeric', transformer: numeric })
  amount: number;

  @Column({ type: 'numeric', transformer: numeric })
  cost: number;

  @Column({ name: 'average_entry', type: 'numeric', nullable: true, transformer: numeric })
  averageEntry: number | null;

  @Column({ type: 'numeric', transformer: numeric })
  fees: number;

  @Column({ name: 'realized_pnl', type: 'numeric', transformer: numeric })
  realizedPnl: number;

  @Column({ name: 'close_reason', type: 'text', nullable: true })
  closeReason: string | null;
}
