import type { DataSource } from 'typeorm';
import type { Candle } from '../../market-data/index.js';
import type { PaperCandles } from './paper-candles.js';
import { PaperLedger } from './paper-ledger.js';
import { paperMarketRules } from './paper-markets.js';
import { matchCandles } from './paper-matching.js';
import { lockOrder, OPEN_STATUSES, openOrders, type PaperOrderRow } from './paper-order-store.js';
import { feeOf, settleRestingFill } from './paper-settlement.js';

/**
 * Brings an account's resting orders up to market time. Nothing runs in the background: the gateway calls this
 * before it answers any question about the account, so fills appear when someone looks, and always the same fills
 * (they depend on the candles only, not on when or how often anyone looked).
 */
export class PaperMatcher {
  constructor(
    private readonly db: DataSource,
    private readonly accountId: string,
    private readonly candles: PaperCandles,
    private readonly options: { makerFee: number; volumeShare: number },
  ) {}

  async advance(now: number): Promise<void> {
    // Every open order has a checked_until (set when it was placed); the filter only keeps the types honest.
    const open = (await openOrders(this.db, this.accountId)).filter((order) => order.checked_until !== null);
    const bySymbol = new Map<string, PaperOrderRow[]>();
    for (const order of open) bySymbol.set(order.symbol, [...(bySymbol.get(order.symbol) ?? []), order]);
    for (const [symbol, orders] of bySymbol) {
      // One fetch per symbol, from the order that is furthest behind; each order skips what it has already seen.
      const since = Math.min(...orders.map((order) => order.checked_until!.getTime()));
      const { candles, timeframeMs } = await this.candles.closedSince(symbol, since, now);
      if (candles.length === 0) continue;
      for (const order of orders) await this.advanceOrder(order.id, candles, timeframeMs);
    }
  }

  /**
   * One order, one transaction: the order row is locked and read again, so that two callers advancing the same
   * order at once (two requests, two app instances) apply each candle once; the second finds it already checked.
   */
  private async advanceOrder(orderId: string, candles: Candle[], timeframeMs: number): Promise<void> {
    await this.db.transaction(async (manager) => {
      const order = await lockOrder(manager, orderId);
      if (!OPEN_STATUSES.includes(order.status) || order.checked_until === null) return;
      const rules = paperMarketRules(order.symbol);
      const price = Number(order.price);
      // Amount and filled are both whole lot steps, so the rest is too: rounding only removes float error.
      const remainingUnits = Math.round((Number(order.amount) - Number(order.filled)) / rules.amountStep);
      const result = matchCandles(
        {
          side: order.side,
          price,
          remainingUnits,
          amountStep: rules.amountStep,
          checkedUntil: order.checked_until.getTime(),
        },
        candles,
        timeframeMs,
        this.options.volumeShare,
      );
      if (result.checkedUntil === order.checked_until.getTime()) return;
      const ledger = new PaperLedger(manager, this.accountId);
      if (result.fills.length > 0) await ledger.lock([rules.base, rules.quote]);
      for (const fill of result.fills) {
        await settleRestingFill(manager, ledger, rules, order, {
          orderId,
          candleOpenTime: fill.candleOpenTime,
          filledAt: fill.candleOpenTime + timeframeMs,
          liquidity: 'maker',
          amount: fill.amount,
          price,
          fee: feeOf(fill.amount, price, this.options.makerFee),
        });
      }
      await manager.query(`UPDATE paper_orders SET checked_until = $2 WHERE id = $1`, [orderId, new Date(result.checkedUntil)]);
    });
  }
}
