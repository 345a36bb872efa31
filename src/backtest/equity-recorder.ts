import { DataSource } from 'typeorm';
import { DealsQueryService } from '../trading/index.js';
import { roundQuote, type EquityPoint } from './equity.js';
import type { ProviderSource } from './replay-driver.js';

/**
 * Marks the bot's account after every step: starting quote balance + PnL realized by its deals + the open deals'
 * unrealized PnL at the last close, as `GET /bots/:id/stats` computes it (the same query service).
 */
export class EquityRecorder {
  readonly points: EquityPoint[] = [];

  constructor(
    private readonly app: ProviderSource,
    private readonly botId: string,
    private readonly initial: number,
  ) {}

  async sample(time: number): Promise<void> {
    const [row]: { realized: string; open: number }[] = await this.app.get(DataSource).query(
      `SELECT coalesce(sum(realized_pnl), 0) AS realized, count(*) FILTER (WHERE status = 'open' AND amount > 0)::int AS open
       FROM deals WHERE bot_id = $1`,
      [this.botId],
    );
    let unrealized = 0;
    if (row.open > 0) {
      for (const deal of await this.app.get(DealsQueryService).openDeals(this.botId)) unrealized += deal.unrealizedPnl ?? 0;
    }
    this.points.push([time, roundQuote(this.initial + Number(row.realized) + unrealized)]);
  }
}
