import { Column, Entity, PrimaryColumn } from 'typeorm';
import { numeric } from '../common/numeric.transformer.js';

export type DealStatus = 'open' | 'closed' | 'canceled';
/** Where an open deal is: its entry order in flight, holding a position, or its exit in flight. */
export type DealPhase = 'opening' | 'active' | 'closing' | 'done';

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

  @Column({ type: 'text' })
  phase: DealPhase;

  /** The bot's settings when the deal opened: a deal keeps its plan when the bot is edited. */
  @Column({ type: 'jsonb' })
  settings: Record<string, any>;

  /** Entry fills (buys of a long, sells of a short): amount in base, value in quote, fees in quote. */
  @Column({ name: 'entry_amount', type: 'numeric', transformer: numeric })
  entryAmount: number;

  @Column({ name: 'entry_value', type: 'numeric', transformer: numeric })
  entryValue: number;

  @Column({ name: 'entry_fees', type: 'numeric', transformer: numeric })
  entryFees: number;

  @Column({ name: 'exit_amount', type: 'numeric', transformer: numeric })
  exitAmount: number;

  @Column({ name: 'exit_value', type: 'numeric', transformer: numeric })
  exitValue: number;

  @Column({ name: 'exit_fees', type: 'numeric', transformer: numeric })
  exitFees: number;

  /** The base order's fill price: the safety-order ladder hangs from it. */
  @Column({ name: 'base_price', type: 'numeric', nullable: true, transformer: numeric })
  basePrice: number | null;

  @Column({ name: 'safety_orders_filled', type: 'integer' })
  safetyOrdersFilled: number;

  @Column({ name: 'take_profit_price', type: 'numeric', nullable: true, transformer: numeric })
  takeProfitPrice: number | null;

  @Column({ name: 'stop_loss_price', type: 'numeric', nullable: true, transformer: numeric })
  stopLossPrice: number | null;

  /** Best price seen since a trailing exit armed (highest for a long, lowest for a short). */
  @Column({ name: 'trailing_peak', type: 'numeric', nullable: true, transformer: numeric })
  trailingPeak: number | null;

  /** When the price first went through the stop loss, for the stop-loss timeout. */
  @Column({ name: 'stop_loss_since', type: 'timestamptz', nullable: true })
  stopLossSince: Date | null;

  /** Market time the exit checks have covered: candles after it are still to be checked. */
  @Column({ name: 'checked_until', type: 'timestamptz', nullable: true })
  checkedUntil: Date | null;

  @Column({ name: 'last_price', type: 'numeric', nullable: true, transformer: numeric })
  lastPrice: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'close_requested_reason', type: 'text', nullable: true })
  closeRequestedReason: string | null;
}
