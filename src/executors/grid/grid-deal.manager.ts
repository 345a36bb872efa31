import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { Clock } from '../../clock/index.js';
import { SerialQueue } from '../../common/serial-queue.js';
import { ExchangeConnector, floorToStep, type MarketRules } from '../../exchange/index.js';
import { DealEntity, DealsService, OrderEntity, OrderEvents, OrderPlacer } from '../../trading/index.js';
import { layOut } from './grid-layout.js';
import { reconcileSlots } from './grid-slots.js';
import { CLOSE, GRID_BUY, GRID_SELL, GridTurn, isDust, isTerminal } from './grid-turn.js';
import { GridStore } from './grid.store.js';

/** The only legs a grid places (grid-slots, grid-layout, the close): an order of any other leg is not a grid's. */
const GRID_LEGS = new Set<string>([GRID_BUY, GRID_SELL, CLOSE]);

/** Closes after which the grid is over for its bot: the bot is stopped, as a grid bot's stop loss and take profit do. */
const ENDS_THE_BOT = new Set(['stop_loss', 'take_profit']);

/**
 * Runs grid deals: brings each one's orders in line with its state after every order change (OrderEvents) and on
 * every tick, one reconciliation at a time per process and one transaction per deal (its row locked), so a crash
 * between two steps loses nothing: the next run finds the orders and lines as they were committed.
 * Phases: starting (rebalancing market order) → running (slots) ⇄ shifting (trailing); a close (stop loss, take
 * profit, manual) cancels everything and sells the position at market.
 */
@Injectable()
export class GridDealManager implements OnModuleInit {
  private readonly logger = new Logger(GridDealManager.name);
  private readonly reactions = new SerialQueue();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly deals: DealsService,
    private readonly placer: OrderPlacer,
    private readonly connector: ExchangeConnector,
    private readonly clock: Clock,
    private readonly orderEvents: OrderEvents,
    private readonly store: GridStore,
  ) {}

  onModuleInit(): void {
    this.orderEvents.subscribe(async (order) => this.react(order));
  }

  idle(): Promise<void> {
    return this.reactions.idle();
  }

  /** A grid order changed: reconcile its deal, queued behind earlier reactions and never inside the placer's turn. */
  private react(order: OrderEntity): void {
    const dealId = order.dealId;
    // No grid look-up for the orders of DCA and trend deals (base, safety, take profit): most orders are theirs.
    if (!dealId || !GRID_LEGS.has(order.leg)) return;
    this.reactions.push(
      async () => {
        if (await this.store.find(this.db.manager, dealId)) await this.sync(dealId);
      },
      (error) => this.logger.warn({ err: error, dealId }, 'grid update after an order change failed; the next tick catches up'),
    );
  }

  async sync(dealId: string): Promise<void> {
    const deal = await this.db.getRepository(DealEntity).findOneBy({ id: dealId });
    if (!deal || deal.status !== 'open') return;
    const rules = await (await this.connector.gateway(deal.exchangeAccountId)).marketRules(deal.symbol);
    const turn = await this.db.transaction(async (manager) => {
      const locked = await manager.findOne(DealEntity, { where: { id: dealId }, lock: { mode: 'pessimistic_write' } });
      const grid = await this.store.find(manager, dealId);
      if (!locked || locked.status !== 'open' || !grid) return undefined;
      const turn = await this.turn(manager, locked, rules);
      await this.step(turn);
      return turn;
    });
    if (!turn) return;
    if (turn.cancel.length > 0) await this.placer.cancel(turn.cancel);
    if (turn.place.length > 0) await this.placer.submit(turn.place);
  }

  /** Inside the caller's transaction: the grid is to be closed at market; `sync` it once that has committed. */
  markClosing(manager: EntityManager, dealId: string, reason: string, at: number): Promise<boolean> {
    return this.deals.markClosing(manager, dealId, reason, at);
  }

  async requestClose(dealId: string, reason: string, at: number): Promise<void> {
    await this.db.transaction((manager) => this.markClosing(manager, dealId, reason, at));
    await this.sync(dealId);
  }

  /** Stops a grid where it stands: every unfinished order canceled, the deal `canceled`, its position left as it is. */
  async abandon(dealId: string, reason: string): Promise<void> {
    const unfinished = await this.db.transaction((manager) => this.deals.abandon(manager, dealId, reason, this.clock.now()));
    if (unfinished.length > 0) this.logger.log({ dealId, reason, orders: unfinished.length }, 'grid stopped: its orders are being canceled');
    await this.placer.cancel(unfinished);
  }

  private async turn(manager: EntityManager, deal: DealEntity, rules: MarketRules): Promise<GridTurn> {
    const grid = (await this.store.find(manager, deal.id))!;
    const lines = await this.store.lines(manager, deal.id);
    const refs = [...lines.flatMap((line) => [line.orderId, line.buyOrderId]), grid.rebalanceOrderId].filter((id): id is string => id !== null);
    const where: FindOptionsWhere<OrderEntity>[] = [{ dealId: deal.id, status: In(['pending', 'open', 'partially_filled']) }, { dealId: deal.id, leg: CLOSE }];
    if (refs.length > 0) where.push({ id: In(refs) });
    const orders = await manager.find(OrderEntity, { where });
    const sequences = await this.store.sequences(manager, deal.id);
    return new GridTurn(manager, this.deals, deal, grid, lines, new Map(orders.map((o) => [o.id, o])), sequences, rules, this.clock.now());
  }

  private async step(turn: GridTurn): Promise<void> {
    const { deal, grid } = turn;
    if (deal.phase === 'closing') return this.closing(turn);
    if (grid.phase === 'shifting') {
      if (!(await turn.cancelAll())) return;
      const price = grid.shiftPrice!;
      await layOut(turn, this.store, price);
      await turn.event('grid_shifted', null, { lowerPrice: grid.lowerPrice, upperPrice: grid.upperPrice, price, generation: grid.generation });
      this.logger.log({ dealId: deal.id, botId: deal.botId, lowerPrice: grid.lowerPrice, upperPrice: grid.upperPrice }, 'grid shifted');
    }
    if (grid.phase === 'starting') {
      const rebalance = turn.order(grid.rebalanceOrderId);
      if (rebalance && !isTerminal(rebalance)) return;
      await this.store.update(turn.manager, deal.id, { phase: 'running' });
      grid.phase = 'running';
      if (deal.phase === 'opening') await turn.manager.update(DealEntity, deal.id, { phase: 'active' });
      await turn.event('grid_placed', null, { generation: grid.generation, lines: turn.lines.length, rebalanceOrderId: grid.rebalanceOrderId });
    }
    await reconcileSlots(turn, this.store);
  }

  /** Everything canceled, then what the deal holds sold at market; the deal ends once nothing is left to sell. */
  private async closing(turn: GridTurn): Promise<void> {
    const { deal, rules } = turn;
    if (!(await turn.cancelAll((order) => order.leg === CLOSE))) return;
    if ([...turn.orders.values()].some((order) => order.leg === CLOSE && !isTerminal(order))) return;
    const reason = deal.closeRequestedReason ?? 'manual';
    if (isDust(deal.amount, deal.lastPrice, rules)) {
      await this.deals.finish(turn.manager, deal.id, deal.entryAmount > 0 ? 'closed' : 'canceled', reason, turn.now);
      if (ENDS_THE_BOT.has(reason)) {
        await turn.manager.query(`UPDATE bots SET status = 'stopped', updated_at = now() WHERE id = $1 AND status = 'running'`, [deal.botId]);
        this.logger.log({ dealId: deal.id, botId: deal.botId, reason }, 'grid closed: its bot is stopped');
      }
      return;
    }
    await turn.placeOrder(CLOSE, 0, 'sell', floorToStep(deal.amount, rules.amountStep));
    this.logger.log({ dealId: deal.id, botId: deal.botId, reason, amount: deal.amount }, 'closing grid at market');
  }
}
