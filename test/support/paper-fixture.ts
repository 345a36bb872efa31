import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { ManualClock } from '../../src/clock/index.js';
import { seedPaperBalances } from '../../src/exchange/paper/paper-accounts.js';
import { PaperExchange, type PaperOptions } from '../../src/exchange/paper/paper-exchange.js';
import type { MarketDataSource } from '../../src/market-data/index.js';
import { createTestDatabase, type TestDatabase } from './database.js';

const DEFAULT_ACCOUNT = '00000000-0000-4000-8000-000000000001';

/** A migrated test database on which paper exchanges are opened directly, without the app around them. */
export class PaperFixture {
  private constructor(
    private readonly database: TestDatabase,
    readonly db: DataSource,
    private readonly market: MarketDataSource,
    private readonly options: PaperOptions,
  ) {}

  static async open(area: string, market: MarketDataSource, options: PaperOptions): Promise<PaperFixture> {
    const database = await createTestDatabase(area);
    const db = new DataSource({ type: 'postgres', url: database.url, migrations: MIGRATIONS });
    await db.initialize();
    await db.runMigrations({ transaction: 'each' });
    return new PaperFixture(database, db, market, options);
  }

  /** A fresh paper account with its own balances, and a clock at `now`. */
  async account(balances: Record<string, number>, now: number, label = 'test') {
    const [{ id }] = await this.db.query(`INSERT INTO exchange_accounts (account_id, exchange, label) VALUES ($1, 'paper', $2) RETURNING id`, [DEFAULT_ACCOUNT, label]);
    await seedPaperBalances(this.db, id, balances);
    const clock = new ManualClock(now);
    return { id: id as string, clock, exchange: new PaperExchange(this.db, id, this.market, clock, this.options) };
  }

  async close(): Promise<void> {
    await this.db?.destroy();
    await this.database.drop();
  }
}
