import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** What a subscription is for: a DCA or trend entry, a trend exit, a grid's range edges. */
export type SubscriptionRole = 'entry' | 'exit' | 'range_below' | 'range_above';

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
