import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../../clock/index.js';
import { selectEntities } from '../../common/entity-rows.js';
import { SerialQueue } from '../../common/serial-queue.js';
import { ExchangeConnector, type MarketRules } from '../../exchange/index.js';
import { DealEntity, DealsService, OrderEntity, OrderEvents, OrderPlacer } from '../../trading/index.js';
import { activate, filledBase } from './position-opening.js';
import { PositionStep, type Actions } from './position-step.js';

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
  private readonly steps: PositionStep;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly deals: DealsService,
    private readonly placer: OrderPlacer,
    private readonly connector: ExchangeConnector,
    private readonly clock: Clock,
    private readonly orderEvents: OrderEvents,
  ) {
    this.steps = new PositionStep(deals, clock);
  }

  onModuleInit(): void {
    this.orderEvents.subscribeBatch(async (orders) => this.react(orders));
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

  /**
   * Orders of managed deals changed: bring those deals up to date, each once (they are level-triggered), one
   * reaction at a time, never inside the placer's turn.
   */
  private react(orders: OrderEntity[]): void {
    const dealIds = [...new Set(orders.flatMap((o) => (o.dealId ? [o.dealId] : [])))];
    if (dealIds.length === 0) return;
    this.reactions.push(
      () => this.syncMany(dealIds, [...this.types]),
      (error) => this.logger.warn({ err: error, dealId: dealIds[0], deals: dealIds.length }, 'deal update after an order change failed; the next tick catches up'),
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
      return this.steps.step(manager, locked, orders, rules);
    });
    await this.send(actions);
  }

  /**
   * `sync` for many deals (those open, of bots of `types` when given) in one transaction, their rows locked in id order: the deals whose base order filled become
   * active together (one statement each for deals and events), then each takes its step as in `sync`. If the
   * transaction fails, the deals are synced one by one, so that one deal's trouble does not hold up the others.
   */
  async syncMany(ids: string[], types?: string[]): Promise<void> {
    const open: { id: string; exchange_account_id: string; symbol: string }[] = await this.db.query(
      `SELECT d.id, d.exchange_account_id, d.symbol FROM deals d JOIN bots b ON b.id = d.bot_id
       WHERE d.id = ANY($1::uuid[]) AND d.status = 'open' AND ($2::text[] IS NULL OR b.type = ANY($2::text[]))`,
      [ids, types ?? null],
    );
    if (open.length <= 1) return open.length === 1 ? this.sync(open[0].id) : undefined;
    const dealIds = open.map((deal) => deal.id);
    const rules = new Map<string, MarketRules>();
    for (const { exchange_account_id: account, symbol } of open) {
      const key = `${account}|${symbol}`;
      if (!rules.has(key)) rules.set(key, await (await this.connector.gateway(account)).marketRules(symbol));
    }
    let actions: Actions;
    try {
      actions = await this.db.transaction(async (manager) => {
        const locked = (await selectEntities(manager, DealEntity, 'd', (columns) => `SELECT ${columns} FROM deals d WHERE d.id = ANY($1::uuid[]) ORDER BY d.id FOR UPDATE`, [dealIds]))
          .filter((deal) => deal.status === 'open');
        const byDeal = new Map<string, OrderEntity[]>(locked.map((deal) => [deal.id, []]));
        const orders = await selectEntities(manager, OrderEntity, 'o', (columns) => `SELECT ${columns} FROM orders o WHERE o.deal_id = ANY($1::uuid[]) ORDER BY o.created_at`, [[...byDeal.keys()]]);
        for (const order of orders) byDeal.get(order.dealId!)!.push(order);
        await activate(manager, this.deals, locked.flatMap((deal) => filledBase(deal, byDeal.get(deal.id)!) ?? []), this.clock.now());
        const all: Actions = { place: [], cancel: [] };
        for (const deal of locked) {
          const step = await this.steps.step(manager, deal, byDeal.get(deal.id)!, rules.get(`${deal.exchangeAccountId}|${deal.symbol}`)!);
          all.place.push(...step.place);
          all.cancel.push(...step.cancel);
        }
        return all;
      });
    } catch (error) {
      this.logger.warn({ err: error, deals: dealIds.length }, 'updating deals together failed; updating them one by one');
      for (const id of dealIds) await this.sync(id).catch((e: unknown) => this.logger.warn({ err: e, dealId: id }, 'deal update failed; the next tick catches up'));
      return;
    }
    await this.send(actions);
  }

  private async send(actions: Actions): Promise<void> {
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
}
