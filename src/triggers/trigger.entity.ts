import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../common/numeric.transformer.js';

/** A condition that became true on a closed candle: recorded with the condition's state, then published (outbox). */
@Entity('triggers')
export class TriggerEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'bigint', insert: false, update: false })
  seq: string;

  @Column({ name: 'condition_id', type: 'uuid' })
  conditionId: string;

  @Column({ name: 'candle_open_time', type: 'timestamptz', transformer: epochMs })
  candleOpenTime: number;

  @Column({ name: 'candle_close_time', type: 'timestamptz', transformer: epochMs })
  candleCloseTime: number;

  @Column({ type: 'jsonb' })
  values: Record<string, number | null>;

  @Column({ name: 'created_at', type: 'timestamptz', insert: false })
  createdAt: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  /** Set once every subscribed bot's delivery is committed. */
  @Column({ name: 'handled_at', type: 'timestamptz', nullable: true })
  handledAt: Date | null;
}
