import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../../clock/index.js';
import { SerialQueue } from '../../common/serial-queue.js';
import { ExchangeConnector, roundToStep, type MarketRules } from '../../exchange/index.js';
import { DealEntity, DealsService, OrderEntity, OrderEvents, OrderPlacer } from '../../trading/index.js';
import { takeProfitOrders, safetyOrder, type PlannedOrder } from '../dca/dca-plan.js';
import type { DcaSettingsDto } from '../dca/dca-settings.dto.js';

const TERMINAL = new Set(['filled', 'canceled', 'rejected']);
const live = (order: OrderEntity) => !TERMINAL.has(order.status) && order.cancelRequestedAt === null;
const cancelling = (order: OrderEntity) => !TERMINAL.has(order.status) && order.cancelRequestedAt !== null;

interface Actions {
  place: string[];
  cancel: string[];
}

/**
 * Brings a DCA deal's orders in line with its plan, from what has actually filled: after the base fill the safety
 * orders (at most `maxActiveSafetyOrders` resting at once, the next placed as one fills) and the take profit, which
 * is moved after every fill; when a close is requested, everything is canceled and the rest sold at market.
 * Level-triggered and idempotent: it can run after any order change, on every tick, and after a restart.
 */
@Injectable()
export class PositionDealManager implements OnModuleInit {
  private readonly logger = new Logger(PositionDealManager.name);
  /** Bot types whose deals this manager runs (DCA, trend); their deals are brought up to date after each order change. */
  private readonly types = new Set<string>();
  private readonly reactions = new SerialQueue();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly deals: DealsService,
    private readonly placer: OrderPlacer,
    private readonly connector: ExchangeConnector,
    private readonly clock: Clock,
    private readonly orderEvents: OrderEvents,
  ) {}

  onModuleInit(): void {
    this.orderEvents.subscribe(async (order) => this.react(order));
  }

  manage(type: string): void {
    this.types.add(type);
  }

  /** Resolves when the reactions to order changes queued so far are done. */
  idle(): Promise<void> {
    return this.reactions.idle();
  }

  /** Inside the caller's transaction: the deal is to be closed at market; call `sync` once it has committed. */
  markClosing(manager: EntityManager, dealId: string, reason: string, at: number): Promise<boolean> {
    return this.deals.markClosing(manager, dealId, reason, at);
  }

  /** A managed deal's order changed: bring the deal up to date, one reaction at a time, never inside the placer's turn. */
  private react(order: OrderEntity): void {
    if (!order.dealId) return;
    const dealId = order.dealId;
    this.reactions.push(
      async () => {
        const [row] = await this.db.query(`SELECT b.type FROM deals d JOIN bots b ON b.id = d.bot_id WHERE d.id = $1`, [dealId]);
        if (row && this.types.has(row.type)) await this.sync(dealId);
      },
      (error) => this.logger.warn({ err: error, dealId }, 'deal update after an order change failed; the next tick catches up'),
    );
  }

  async sync(dealId: string): Promise<void> {
    const deal = await this.db.getRepository(DealEntity).findOneBy({ id: dealId });
    if (!deal || deal.status !== 'open') return;
    const rules = await (await this.connector.gateway(deal.exchangeAccountId)).marketRules(deal.symbol);
    const actions = await this.db.transaction(async (manager) => {
      const locked = await manager.findOne(DealEntity, { where: { id: dealId }, lock: { mode: 'pessimistic_write' } });
      if (!locked || locked.status !== 'open') return { place: [], cancel: [] };
      const orders = await manager.find(OrderEntity, { where: { dealId }, order: { createdAt: 'ASC' } });
      return this.step(manager, locked, orders, rules);
    });
    if (actions.cancel.length > 0) await this.placer.cancel(actions.cancel);
    if (actions.place.length > 0) await this.placer.submit(actions.place);
  }

  /** Asks for a deal to be closed at market (stop loss, trailing exits, manual close), decided at market time `at`. */
  async requestClose(dealId: string, reason: string, at: number): Promise<void> {
    await this.db.transaction((manager) => this.markClosing(manager, dealId, reason, at));
    await this.sync(dealId);
  }

  /** Abandons a deal on purpose: its orders are canceled and its position is left as it is. */
  async cancel(dealId: string, reason: string): Promise<void> {
    const toCancel = await this.db.transaction((manager) => this.deals.abandon(manager, dealId, reason, this.clock.now()));
    await this.placer.cancel(toCancel);
  }

  private async step(manager: EntityManager, deal: DealEntity, orders: OrderEntity[], rules: MarketRules): Promise<Actions> {
    const now = this.clock.now();
    if (deal.phase === 'opening') {
      const base = orders.find((o) => o.leg === 'base')!;
      if (!TERMINAL.has(base.status)) return { place: [], cancel: [] };
      if (base.filled === 0) {
        await this.deals.finish(manager, deal.id, 'canceled', `base order ${base.status}${base.error ? `: ${base.error}` : ''}`, now);
        return { place: [], cancel: [] };
      }
      deal.phase = 'active';
      deal.basePrice = base.average;
      await manager.update(DealEntity, deal.id, { phase: 'active', basePrice: base.average });
      await this.deals.recordEvent(manager, deal.id, now, 'base_filled', null, { price: base.average, amount: base.filled });
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
    if (others.some((o) => !TERMINAL.has(o.status))) return { place: [], cancel: [...toCancel, ...others.filter(cancelling)].map((o) => o.id) };
    const closes = orders.filter((o) => o.leg === 'close');
    if (closes.some((o) => !TERMINAL.has(o.status))) return { place: [], cancel: [] };
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

const entrySide = (deal: DealEntity) => (deal.direction === 'long' ? 'buy' : 'sell');
const exitSide = (deal: DealEntity) => (deal.direction === 'long' ? 'sell' : 'buy');

/** Less than the exchange would accept: nothing left to sell. */
function isDust(amount: number, rules: MarketRules): boolean {
  return amount <= 0 || roundToStep(amount, rules.amountStep, 'down') <= 0 || (rules.minAmount !== null && amount < rules.minAmount);
}

/** Whether the resting take-profit orders already are the wanted ones, after rounding to the market's steps. */
function sameOrders(resting: OrderEntity[], wanted: PlannedOrder[], rules: MarketRules): boolean {
  if (resting.length !== wanted.length) return false;
  return wanted.every((target) => {
    const order = resting.find((o) => o.legIndex === target.index);
    return order !== undefined
      && roundToStep(order.price ?? 0, rules.priceStep) === roundToStep(target.price, rules.priceStep)
      && roundToStep((order.amount ?? 0) - order.filled, rules.amountStep, 'down') === roundToStep(target.amount, rules.amountStep, 'down');
  });
}
