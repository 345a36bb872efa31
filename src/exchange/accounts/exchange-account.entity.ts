import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { MarketRules } from '../exchange.port.js';

@Entity('exchange_accounts')
export class ExchangeAccountEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  /** A ccxt exchange id (`binance`, `kraken`, ...) or `paper`. */
  @Column({ type: 'text' })
  exchange: string;

  @Column({ type: 'text' })
  label: string;

  @Column({ type: 'boolean' })
  sandbox: boolean;

  /** API key, secret and password, sealed with AES-256-GCM (SecretBox); never leaves this module in clear. */
  @Column({ type: 'bytea', nullable: true, select: false })
  credentials: Buffer | null;

  /** Precision and limits of the exchange's spot markets, captured when the account was validated. */
  @Column({ type: 'jsonb', nullable: true, select: false })
  markets: Record<string, MarketRules> | null;

  @Column({ name: 'validated_at', type: 'timestamptz', nullable: true })
  validatedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt: Date | null;
}

export interface Credentials {
  apiKey: string;
  secret: string;
  password?: string;
}

export function toExchangeAccountView(account: ExchangeAccountEntity, marketCount?: number) {
  return {
    id: account.id,
    exchange: account.exchange,
    label: account.label,
    sandbox: account.sandbox,
    paper: account.exchange === 'paper',
    validatedAt: account.validatedAt?.toISOString() ?? null,
    ...(marketCount !== undefined && { markets: marketCount }),
    createdAt: account.createdAt.toISOString(),
  };
}

export type ExchangeAccountView = ReturnType<typeof toExchangeAccountView>;
