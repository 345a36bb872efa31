import { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Clock } from '../../clock/index.js';
import { roundToStep, type MarketRules } from '../../exchange/index.js';
import { DealEntity, type DealsService, type OrderEntity } from '../../trading/index.js';
import { takeProfitOrders, safetyOrder } from '../dca/dca-plan.js';
import type { DcaSettingsDto } from '../dca/dca-settings.dto.js';
import { activate } from './position-opening.js';
import { cancelling, entrySide, exitSide, isDust, isTerminal, live, sameOrders } from './position-orders.js';

/** Orders a step recorded as pending (to send once its transaction commits) and orders to cancel. */
export interface Actions {
  place: string[];
  cancel: string[];
}

/**
 * One step of a DCA (or trend) deal, inside the transaction that holds the deal's row: from the deal and its orders
 * as they are, what to record and which orders to send or cancel. PositionDealManager runs it for one deal or many.
 */
export class PositionStep {
  private readonly logger = new Logger(PositionStep.name);

  constructor(
    private readonly deals: DealsService,
    private readonly clock: Clock,
  ) {}

  async step(manager: EntityManager, deal: DealEntity, orders: OrderEntity[], rules: MarketRules): Promise<Actions> {
    const now = this.clock.now();
    if (deal.phase === 'opening') {
      const base = orders.find((o) => o.leg === 'base')!;
      if (!isTerminal(base)) return { place: [], cancel: [] };
      if (base.filled === 0) {
        await this.deals.finish(manager, deal.id, 'canceled', `base order ${base.status}${base.error ? `: ${base.error}` : ''}`, now);
        return { place: [], cancel: [] };
      }
      await activate(manager, this.deals, [{ deal, base }], now);
    }
    if (deal.phase === 'closing') return this.closing(manager, deal, orders, rules, now);
    return this.active(manager, deal, orders, rules, now);
  }

  private async active(manager: EntityManager, deal: DealEntity, orders: OrderEntity[], rules: MarketRules, now: number): Promise<Actions> {
    const settings = deal.settings as DcaSettingsDto;
    const exits = orders.filter((o) => o.leg === 'take_profit');
    if (deal.exitAmount > 0 && isDust(deal.amount, rules)) {
      await this.deals.finish(manager, deal.id, 'closed', 'take_profit', now);
      return { place: [], cancel: orders.filter(live).map((o) => o.id) };
    }
    const place: string[] = [];
    const safety = orders.filter((o) => o.leg === 'safety');
    const filledSafety = safety.filter((o) => o.status === 'filled').length;
    if (filledSafety !== deal.safetyOrdersFilled) {
      await manager.update(DealEntity, deal.id, { safetyOrdersFilled: filledSafety });
      await this.deals.recordEvent(manager, deal.id, now, 'safety_order_filled', null, { filled: filledSafety, averageEntry: deal.averageEntry });
    }
    let next = Math.max(0, ...safety.map((o) => o.legIndex)) + 1;
    for (let resting = safety.filter(live).length; resting < (settings.maxActiveSafetyOrders ?? 1) && next <= (settings.maxSafetyOrders ?? 0); resting++, next++) {
      const planned = safetyOrder(settings, deal, next);
      const order = await this.deals.placeOrder(manager, deal, { leg: 'safety', legIndex: next, sequence: 0, side: entrySide(deal), type: 'limit', price: planned.price, amount: planned.amount, decidedAt: now });
      await this.deals.recordEvent(manager, deal.id, now, 'safety_order_placed', null, { index: next, price: planned.price, amount: planned.amount });
      place.push(order.id);
    }
    if (exits.some(cancelling)) return { place, cancel: [] };
    const filledSteps = new Set(exits.filter((o) => o.status === 'filled').map((o) => o.legIndex));
    const wanted = takeProfitOrders(settings, deal, filledSteps).filter((o) => !isDust(o.amount, rules));
    const resting = exits.filter(live);
    if (sameOrders(resting, wanted, rules)) return { place, cancel: [] };
    if (resting.length > 0) {
      await this.deals.requestCancel(manager, resting.map((o) => o.id), new Date(now));
      return { place, cancel: resting.map((o) => o.id) };
    }
    for (const target of wanted) {
      const sequence = exits.filter((o) => o.legIndex === target.index).length;
      const order = await this.deals.placeOrder(manager, deal, { leg: 'take_profit', legIndex: target.index, sequence, side: exitSide(deal), type: 'limit', price: target.price, amount: target.amount, decidedAt: now });
      place.push(order.id);
    }
    if (wanted.length > 0) {
      await manager.update(DealEntity, deal.id, { takeProfitPrice: roundToStep(wanted[wanted.length - 1].price, rules.priceStep) });
      await this.deals.recordEvent(manager, deal.id, now, 'take_profit_placed', null, { orders: wanted, averageEntry: deal.averageEntry });
    }
    return { place, cancel: [] };
  }

  private async closing(manager: EntityManager, deal: DealEntity, orders: OrderEntity[], rules: MarketRules, now: number): Promise<Actions> {
    const others = orders.filter((o) => o.leg !== 'close');
    const toCancel = others.filter(live);
    if (toCancel.length > 0) await this.deals.requestCancel(manager, toCancel.map((o) => o.id), new Date(now));
    if (others.some((o) => !isTerminal(o))) return { place: [], cancel: [...toCancel, ...others.filter(cancelling)].map((o) => o.id) };
    const closes = orders.filter((o) => o.leg === 'close');
    if (closes.some((o) => !isTerminal(o))) return { place: [], cancel: [] };
    if (isDust(deal.amount, rules)) {
      await this.deals.finish(manager, deal.id, deal.entryAmount > 0 ? 'closed' : 'canceled', deal.closeRequestedReason ?? 'manual', now);
      return { place: [], cancel: [] };
    }
    const decidedAt = deal.checkedUntil?.getTime() ?? now;
    const order = await this.deals.placeOrder(manager, deal, { leg: 'close', legIndex: 0, sequence: closes.length, side: exitSide(deal), type: 'market', amount: deal.amount, decidedAt });
    this.logger.log({ dealId: deal.id, botId: deal.botId, reason: deal.closeRequestedReason, amount: deal.amount }, 'closing deal at market');
    return { place: [order.id], cancel: [] };
  }
}
