import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../common/numeric.transformer.js';
import type { ConditionDefinition } from './indicator-catalog.js';

/** Indicator values of one evaluation: `lhs`, `rhs` and the candle's `close`. */
export type EvaluationValues = Record<string, number | null>;

@Entity('conditions')
export class ConditionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', unique: true })
  key: string;

  @Column({ type: 'text' })
  exchange: string;

  @Column({ type: 'text' })
  symbol: string;

  @Column({ type: 'text' })
  timeframe: string;

  @Column({ type: 'jsonb' })
  definition: ConditionDefinition;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** Market time of the first registration: candles closed after it are evaluated, the last one before it is the baseline. */
  @Column({ name: 'registered_at', type: 'timestamptz', transformer: epochMs })
  registeredAt: number;

  /** Open time of the last closed candle evaluated: the evaluator's cursor, persisted so no candle fires twice. */
  @Column({ name: 'last_candle_open_time', type: 'timestamptz', nullable: true, transformer: epochMs })
  lastCandleOpenTime: number | null;

  @Column({ name: 'last_state', type: 'boolean', nullable: true })
  lastState: boolean | null;

  @Column({ name: 'last_values', type: 'jsonb', nullable: true })
  lastValues: EvaluationValues | null;
}
