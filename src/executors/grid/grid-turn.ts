import type { EntityManager } from 'typeorm';
import { floorToStep, type MarketRules } from '../../exchange/index.js';
import type { DealEntity, DealsService, OrderEntity, OrderLeg } from '../../trading/index.js';
import type { GridLineRow, GridRow } from './grid.store.js';

/**
 * The order legs of a grid. OrderLeg (trading/order.entity.ts) does not list them yet although the database allows
 * them since migration 1764000000004: the cast is the one place that knows.
 */
export const GRID_BUY: OrderLeg = 'grid_buy';
export const GRID_SELL: OrderLeg = 'grid_sell';
export const CLOSE: OrderLeg = 'close';
/** legIndex of the grid's market orders (rebalancing at a start or shift); limit orders carry their line's index. */
export const MARKET_INDEX = -1;

const TERMINAL = new Set(['filled', 'canceled', 'rejected']);
export const isTerminal = (order: OrderEntity) => TERMINAL.has(order.status);
export const isLive = (order: OrderEntity) => !isTerminal(order) && order.cancelRequestedAt === null;

/** Less than the exchange would take: nothing to trade. */
export function isDust(amount: number, price: number | null, rules: MarketRules): boolean {
  const rounded = floorToStep(Math.max(amount, 0), rules.amountStep);
  if (rounded <= 0 || (rules.minAmount !== null && rounded < rules.minAmount)) return true;
  return price !== null && rules.minCost !== null && rounded * price < rules.minCost;
}

/**
 * One reconciliation of one grid deal, inside the transaction that holds its deal row: what it read, and the orders
 * it decided to send or cancel once the transaction has committed.
 */
export class GridTurn {
  readonly place: string[] = [];
  readonly cancel: string[] = [];

  constructor(
    readonly manager: EntityManager,
    private readonly deals: DealsService,
    readonly deal: DealEntity,
    readonly grid: GridRow,
    public lines: GridLineRow[],
    /** The orders the turn may need: every unfinished order of the deal, those its lines refer to, its closes. */
    readonly orders: Map<string, OrderEntity>,
    private readonly sequences: Map<string, number>,
    readonly rules: MarketRules,
    readonly now: number,
  ) {}

  order(id: string | null): OrderEntity | undefined {
    return id === null ? undefined : this.orders.get(id);
  }

  /** Records an order as pending (sent after the commit) under a client id unique to (deal, leg, line, sequence). */
  async placeOrder(leg: OrderLeg, legIndex: number, side: 'buy' | 'sell', amount: number, price?: number): Promise<OrderEntity> {
    const key = `${leg}${legIndex}`;
    const sequence = this.sequences.get(key) ?? 0;
    this.sequences.set(key, sequence + 1);
    const order = await this.deals.placeOrder(this.manager, this.deal, {
      leg, legIndex, sequence, side, type: price === undefined ? 'market' : 'limit', amount, price, decidedAt: this.now,
    });
    this.orders.set(order.id, order);
    this.place.push(order.id);
    return order;
  }

  /** Asks for every unfinished order (but `keep`) to be canceled; true once none is left unfinished. */
  async cancelAll(keep: (order: OrderEntity) => boolean = () => false): Promise<boolean> {
    const unfinished = [...this.orders.values()].filter((order) => !isTerminal(order) && !keep(order));
    const live = unfinished.filter(isLive).map((order) => order.id);
    await this.deals.requestCancel(this.manager, live, new Date(this.now));
    this.cancel.push(...unfinished.map((order) => order.id));
    return unfinished.length === 0;
  }

  event(type: string, reason: string | null, data: Record<string, unknown> = {}): Promise<void> {
    return this.deals.recordEvent(this.manager, this.deal.id, this.now, type, reason, data);
  }
}
