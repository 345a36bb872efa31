import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { DomainError, NotFoundError } from '../../common/domain-error.js';
import { DealEntity, OrderEntity } from '../../trading/index.js';
import { GridStore } from './grid.store.js';
import { lineViews, type GridView, type RoundTripView } from './grid.view.js';

/** `GET /bots/:id/grid`: the bot's current grid (its open one, else its latest), lines, round trips and profit. */
@Injectable()
export class GridQueriesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly store: GridStore,
  ) {}

  async forBot(botId: string, accountId: string): Promise<GridView> {
    const [bot] = await this.db.query(`SELECT type FROM bots WHERE id = $1 AND account_id = $2 AND deleted_at IS NULL`, [botId, accountId]);
    if (!bot) throw new NotFoundError('bot', botId);
    if (bot.type !== 'grid') throw new DomainError('NOT_A_GRID_BOT', `bot ${botId} is a ${bot.type} bot: only grid bots have a grid`, 404);
    const [latest] = await this.db.query(
      `SELECT g.deal_id FROM grids g JOIN deals d ON d.id = g.deal_id WHERE g.bot_id = $1 ORDER BY (d.status = 'open') DESC, d.opened_at DESC LIMIT 1`,
      [botId],
    );
    if (!latest) return { botId, deal: null, grid: null, lines: [], roundTrips: [], realizedProfit: 0 };
    const dealId: string = latest.deal_id;
    const [deal, grid, lines, trips] = await Promise.all([
      this.db.getRepository(DealEntity).findOneByOrFail({ id: dealId }),
      this.store.find(this.db.manager, dealId),
      this.store.lines(this.db.manager, dealId),
      this.roundTrips(dealId),
    ]);
    const ids = lines.map((line) => line.orderId).filter((id): id is string => id !== null);
    const orders = ids.length > 0 ? await this.db.getRepository(OrderEntity).findBy({ id: In(ids) }) : [];
    return {
      botId,
      deal: {
        id: deal.id, status: deal.status, phase: deal.phase, openedAt: deal.openedAt.toISOString(), closedAt: deal.closedAt?.toISOString() ?? null,
        closeReason: deal.closeReason, amount: deal.amount, averageEntry: deal.averageEntry, fees: deal.fees,
      },
      grid: grid ? {
        phase: grid.phase, generation: grid.generation, lowerPrice: grid.lowerPrice, upperPrice: grid.upperPrice, lineCount: grid.lineCount,
        spacing: grid.spacing, amountPerLine: grid.amountPerLine, outOfRange: grid.outOfRange,
      } : null,
      lines: lineViews(lines, new Map(orders.map((o) => [o.id, o]))),
      roundTrips: trips,
      realizedProfit: Number(trips.reduce((sum, trip) => sum + trip.profit, 0).toPrecision(12)),
    };
  }

  private async roundTrips(dealId: string): Promise<RoundTripView[]> {
    const rows = await this.db.query(
      `SELECT t.*, s.leg_index AS sell_line FROM grid_round_trips t JOIN orders s ON s.id = t.sell_order_id WHERE t.deal_id = $1 ORDER BY t.id`,
      [dealId],
    );
    return rows.map((row: any) => ({
      lineIndex: row.line_index, sellLineIndex: row.sell_line, generation: row.generation, amount: Number(row.amount),
      buyPrice: Number(row.buy_price), sellPrice: Number(row.sell_price), fees: Number(row.fees), profit: Number(row.profit),
      buyOrderId: row.buy_order_id, sellOrderId: row.sell_order_id, completedAt: row.completed_at.toISOString(),
    }));
  }
}
