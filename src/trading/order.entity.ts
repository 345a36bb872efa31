import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { numeric } from '../common/numeric.transformer.js';

/** The order's part in its deal: the entry, a safety order, a take profit, or a closing (market) order. */
export type OrderLeg = 'base' | 'safety' | 'take_profit' | 'close' | 'grid_buy' | 'grid_sell';

export type OrderStatus = 'pending' | 'open' | 'partially_filled' | 'filled' | 'canceled' | 'rejected';

/** An order as the app knows it: recorded `pending` before it is sent, so a crash can never forget it. */
@Entity('orders')
export class OrderEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'client_order_id', type: 'text', unique: true })
  clientOrderId: string;

  @Column({ name: 'exchange_account_id', type: 'uuid' })
  exchangeAccountId: string;

  @Column({ name: 'bot_id', type: 'uuid', nullable: true })
  botId: string | null;

  @Column({ name: 'deal_id', type: 'uuid', nullable: true })
  dealId: string | null;

  @Column({ name: 'trigger_id', type: 'uuid', nullable: true })
  triggerId: string | null;

  @Column({ type: 'text' })
  symbol: string;

  @Column({ type: 'text' })
  leg: OrderLeg;

  /** Which safety order (1..n) or take-profit step (0..n); 0 for base and close. */
  @Column({ name: 'leg_index', type: 'integer' })
  legIndex: number;

  /** Set when the app decided to cancel the order; the canceller sends the cancel and records the outcome. */
  @Column({ name: 'cancel_requested_at', type: 'timestamptz', nullable: true })
  cancelRequestedAt: Date | null;

  @Column({ type: 'text' })
  side: 'buy' | 'sell';

  @Column({ type: 'text' })
  type: 'market' | 'limit';

  @Column({ type: 'numeric', nullable: true, transformer: numeric })
  price: number | null;

  @Column({ type: 'numeric', nullable: true, transformer: numeric })
  amount: number | null;

  @Column({ name: 'quote_amount', type: 'numeric', nullable: true, transformer: numeric })
  quoteAmount: number | null;

  @Column({ type: 'text' })
  status: OrderStatus;

  @Column({ type: 'numeric', transformer: numeric, default: 0 })
  filled: number;

  @Column({ type: 'numeric', nullable: true, transformer: numeric })
  average: number | null;

  @Column({ type: 'numeric', transformer: numeric, default: 0 })
  fee: number;

  @Column({ name: 'fee_currency', type: 'text', nullable: true })
  feeCurrency: string | null;

  @Column({ name: 'exchange_order_id', type: 'text', nullable: true })
  exchangeOrderId: string | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** Set (and committed) just before the first send: from then on the outcome is unknown until the exchange answers. */
  @Column({ name: 'send_started_at', type: 'timestamptz', nullable: true })
  sendStartedAt: Date | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;

  /** Not-found answers to look-ups of an order whose outcome is unknown; a resend waits for several, spread over time. */
  @Column({ name: 'not_found_count', type: 'integer', default: 0 })
  notFoundCount: number;

  @Column({ name: 'first_not_found_at', type: 'timestamptz', nullable: true })
  firstNotFoundAt: Date | null;

  @Column({ name: 'decided_at', type: 'timestamptz' })
  decidedAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
