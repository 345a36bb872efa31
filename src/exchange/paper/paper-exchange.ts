import type { DataSource, EntityManager } from 'typeorm';
import type { MarketDataSource } from '../../market-data/index.js';
import { ExchangeGateway, OrderRejected, splitSymbol, type ExchangeOrder, type OrderRequest } from '../exchange.port.js';

export interface PaperOptions {
  feeRate: number;
  /** The market-data label prices are read from. */
  priceExchange: string;
}

interface PaperOrderRow {
  id: string;
  client_order_id: string;
  status: ExchangeOrder['status'];
  amount: string;
  filled: string;
  average: string | null;
  fee: string;
}

/**
 * A simulated venue behind the same gateway as a real one: market orders fill at the close of the last candle
 * closed at the decision time, fees are charged in the quote currency, balances can never go negative,
 * and a client order id it has seen returns the same order instead of a second one.
 */
export class PaperExchange extends ExchangeGateway {
  constructor(
    private readonly db: DataSource,
    private readonly accountId: string,
    private readonly marketData: MarketDataSource,
    private readonly options: PaperOptions,
  ) {
    super();
  }

  async createOrder(request: OrderRequest): Promise<ExchangeOrder> {
    const existing = await this.fetchOrderByClientId(request.symbol, request.clientOrderId);
    if (existing) return existing;
    if (request.type !== 'market') throw new OrderRejected('invalid_order', 'the paper exchange fills market orders only for now');
    const price = await this.marketData.lastPrice(this.options.priceExchange, request.symbol, request.decidedAt);
    if (price === undefined) throw new OrderRejected('no_price', `no price for ${request.symbol} at ${new Date(request.decidedAt).toISOString()}`);
    const amount = request.amount ?? request.quoteAmount! / price;
    const cost = amount * price;
    const fee = cost * this.options.feeRate;
    return this.db.transaction(async (manager) => {
      await this.settle(manager, request, amount, cost, fee);
      const id = `paper-${request.clientOrderId}`;
      await manager.query(
        `INSERT INTO paper_orders (id, exchange_account_id, client_order_id, symbol, side, type, price, amount, filled, average, fee, status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $7, $8, $9, 'filled', $10)`,
        [id, this.accountId, request.clientOrderId, request.symbol, request.side, request.type, amount, price, fee, new Date(request.decidedAt)],
      );
      return { exchangeOrderId: id, clientOrderId: request.clientOrderId, status: 'filled', amount, filled: amount, average: price, fee, feeCurrency: splitSymbol(request.symbol).quote };
    });
  }

  async fetchOrderByClientId(_symbol: string, clientOrderId: string): Promise<ExchangeOrder | null> {
    const rows: PaperOrderRow[] = await this.db.query(
      `SELECT id, client_order_id, status, amount, filled, average, fee, symbol FROM paper_orders WHERE exchange_account_id = $1 AND client_order_id = $2`,
      [this.accountId, clientOrderId],
    );
    if (rows.length === 0) return null;
    const row = rows[0] as PaperOrderRow & { symbol: string };
    return {
      exchangeOrderId: row.id,
      clientOrderId: row.client_order_id,
      status: row.status,
      amount: Number(row.amount),
      filled: Number(row.filled),
      average: row.average === null ? null : Number(row.average),
      fee: Number(row.fee),
      feeCurrency: splitSymbol(row.symbol).quote,
    };
  }

  async fetchBalance(): Promise<Record<string, { free: number; used: number }>> {
    const rows: { asset: string; free: string; used: string }[] = await this.db.query(
      `SELECT asset, free, used FROM paper_balances WHERE exchange_account_id = $1 ORDER BY asset`,
      [this.accountId],
    );
    return Object.fromEntries(rows.map((r) => [r.asset, { free: Number(r.free), used: Number(r.used) }]));
  }

  /** Moves the funds of a fill; refuses (and changes nothing) when the account cannot pay. */
  private async settle(manager: EntityManager, request: OrderRequest, amount: number, cost: number, fee: number): Promise<void> {
    const { base, quote } = splitSymbol(request.symbol);
    const [spend, spent, receive, received] =
      request.side === 'buy' ? [quote, cost + fee, base, amount] : [base, amount, quote, cost - fee];
    const debited: unknown[] = await manager.query(
      `WITH debited AS (UPDATE paper_balances SET free = free - $3 WHERE exchange_account_id = $1 AND asset = $2 AND free >= $3 RETURNING asset)
       SELECT asset FROM debited`,
      [this.accountId, spend, spent],
    );
    if (debited.length === 0) {
      throw new OrderRejected('insufficient_funds', `insufficient ${spend}: ${request.side} ${request.symbol} needs ${spent.toFixed(8)} ${spend}`);
    }
    await manager.query(
      `INSERT INTO paper_balances (exchange_account_id, asset, free) VALUES ($1, $2, $3)
       ON CONFLICT (exchange_account_id, asset) DO UPDATE SET free = paper_balances.free + EXCLUDED.free`,
      [this.accountId, receive, received],
    );
  }
}
