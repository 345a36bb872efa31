import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * What a subscription is for: an entry (DCA, trend, a grid's start), a trend's exit, or a grid's range edges
 * (price leaves the range below / above, and comes back into it from below / from above).
 */
export type SubscriptionRole =
  | 'entry' | 'exit'
  | 'range_below' | 'range_above' | 'range_back_from_below' | 'range_back_from_above'
  /** A signal from outside asking to enter / to exit: acts alone, without the bot's other conditions. */
  | 'signal_entry' | 'signal_exit';

@Entity('subscriptions')
export class SubscriptionEntity {
  @PrimaryColumn({ name: 'bot_id', type: 'uuid' })
  botId: string;

  @PrimaryColumn({ name: 'condition_id', type: 'uuid' })
  conditionId: string;

  @PrimaryColumn({ type: 'text' })
  role: SubscriptionRole;

  @Column({ name: 'last_triggered_at', type: 'timestamptz', nullable: true })
  lastTriggeredAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
