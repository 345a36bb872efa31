import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { Clock } from '../clock/index.js';
import { NotFoundError, ValidationFailed } from '../common/domain-error.js';
import { toPage, type Page } from '../common/pagination.js';
import { MarketDataSource } from '../market-data/index.js';
import { DealEntity, type DealStatus } from './deal.entity.js';
import { toDealDetailView, toDealView, type DealDetailView, type DealEventRow, type DealView, type FillRow } from './deal.view.js';
import { OrderEntity } from './order.entity.js';

export interface DealFilter {
  /** Only this account's deals (through their bot). */
  accountId: string;
  botId?: string;
  status?: DealStatus;
  limit: number;
  cursor?: string;
}

interface DealRow {
  deal: DealEntity;
  /** The bot's exchange label: the market-data label its prices are read under. */
  exchange: string;
  takeProfitOrderPrice: number | null;
}

const LATEST_TAKE_PROFIT = `(SELECT o.price FROM orders o WHERE o.deal_id = d.id AND o.leg = 'take_profit'
  AND o.status NOT IN ('canceled', 'rejected') ORDER BY o.created_at DESC, o.leg_index DESC LIMIT 1)`;

/** Reads deals for the HTTP API, open ones marked at the last price. Writes nothing. */
@Injectable()
export class DealsQueryService {
  private readonly logger = new Logger(DealsQueryService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly marketData: MarketDataSource,
    private readonly clock: Clock,
  ) {}

  /** Newest first (opened_at, then id, descending); the cursor is the last item's id. */
  async list(filter: DealFilter): Promise<Page<DealView>> {
    const builder = this.select().where('b.account_id = :accountId', { accountId: filter.accountId }).orderBy('d.opened_at', 'DESC').addOrderBy('d.id', 'DESC').limit(filter.limit + 1);
    if (filter.botId) builder.andWhere('d.bot_id = :botId', { botId: filter.botId });
    if (filter.status) builder.andWhere('d.status = :status', { status: filter.status });
    if (filter.cursor) {
      const known = await this.db.getRepository(DealEntity).existsBy({ id: filter.cursor });
      if (!known) throw new ValidationFailed([{ field: 'cursor', message: 'must be the nextCursor of a previous page' }]);
      builder.andWhere('(d.opened_at, d.id) < (SELECT c.opened_at, c.id FROM deals c WHERE c.id = :cursor)', { cursor: filter.cursor });
    }
    const page = toPage(await this.load(builder), filter.limit, (row) => row.deal.id);
    return { items: await this.views(page.items), nextCursor: page.nextCursor };
  }

  /** The deal with its timeline (oldest first), its orders (oldest first) and every fill of those orders. */
  async get(id: string, accountId: string): Promise<DealDetailView> {
    const [row] = await this.load(this.select().where('d.id = :id AND b.account_id = :accountId', { id, accountId }));
    if (!row) throw new NotFoundError('deal', id);
    const [[view], events, orders, fills] = await Promise.all([
      this.views([row]),
      this.db.query(`SELECT at, type, reason, data FROM deal_events WHERE deal_id = $1 ORDER BY at, id`, [id]) as Promise<DealEventRow[]>,
      this.db.getRepository(OrderEntity).find({ where: { dealId: id }, order: { createdAt: 'ASC', id: 'ASC' } }),
      this.db.query(
        `SELECT f.id, f.order_id, o.leg, f.amount, f.price, f.fee, f.fee_currency, f.recorded_at
         FROM fills f JOIN orders o ON o.id = f.order_id WHERE o.deal_id = $1 ORDER BY f.id`,
        [id],
      ) as Promise<FillRow[]>,
    ]);
    return toDealDetailView(view, events, orders, fills);
  }

  /** Every open deal of a bot, marked at the last price. */
  async openDeals(botId: string): Promise<DealView[]> {
    return this.views(await this.load(this.select().where(`d.bot_id = :botId AND d.status = 'open'`, { botId }).orderBy('d.opened_at')));
  }

  private select(): SelectQueryBuilder<DealEntity> {
    return this.db
      .getRepository(DealEntity)
      .createQueryBuilder('d')
      .innerJoin('bots', 'b', 'b.id = d.bot_id')
      .addSelect('b.exchange', 'exchange')
      .addSelect(LATEST_TAKE_PROFIT, 'take_profit_order_price');
  }

  private async load(builder: SelectQueryBuilder<DealEntity>): Promise<DealRow[]> {
    const { entities, raw } = await builder.getRawAndEntities();
    return entities.map((deal, i) => ({
      deal,
      exchange: raw[i].exchange as string,
      takeProfitOrderPrice: raw[i].take_profit_order_price === null ? null : Number(raw[i].take_profit_order_price),
    }));
  }

  private async views(rows: DealRow[]): Promise<DealView[]> {
    const now = this.clock.now();
    const prices = new Map<string, Promise<number | null>>();
    return Promise.all(rows.map(async ({ deal, exchange, takeProfitOrderPrice }) => {
      let lastPrice: number | null = null;
      if (deal.status === 'open' && deal.amount > 0) {
        const key = `${exchange}|${deal.symbol}`;
        if (!prices.has(key)) prices.set(key, this.lastPrice(exchange, deal.symbol, now));
        lastPrice = (await prices.get(key)!) ?? deal.lastPrice;
      }
      return toDealView(deal, { lastPrice, takeProfitOrderPrice, now });
    }));
  }

  /** The market's last price at `now`; null when the source has none (the deal's last checked close is used then). */
  private async lastPrice(exchange: string, symbol: string, now: number): Promise<number | null> {
    try {
      const price = await this.marketData.lastPrice(exchange, symbol, now);
      return price !== undefined && Number.isFinite(price) && price > 0 ? price : null;
    } catch (error) {
      this.logger.warn({ err: error, exchange, symbol }, 'no last price to mark open deals at; using their last checked close');
      return null;
    }
  }
}
