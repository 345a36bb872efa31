import type { EntityManager } from 'typeorm';
import type { DealEntity, DealsService, OrderEntity } from '../../trading/index.js';
import { isTerminal } from './position-orders.js';

export interface FilledBase {
  deal: DealEntity;
  base: OrderEntity;
}

/** A deal still opening whose base order is over with something filled: it can become active. */
export function filledBase(deal: DealEntity, orders: OrderEntity[]): FilledBase | undefined {
  const base = orders.find((o) => o.leg === 'base');
  return deal.phase === 'opening' && base && isTerminal(base) && base.filled !== 0 ? { deal, base } : undefined;
}

/**
 * Deals whose base order filled become active, their ladder hung from the base's average price, each with a
 * `base_filled` event: one statement for the deals and one for the events however many. Updates the entities too.
 */
export async function activate(manager: EntityManager, deals: DealsService, opened: FilledBase[], now: number): Promise<void> {
  if (opened.length === 0) return;
  await manager.query(
    `UPDATE deals d SET phase = 'active', base_price = u.price FROM unnest($1::uuid[], $2::numeric[]) AS u(id, price) WHERE d.id = u.id`,
    [opened.map((o) => o.deal.id), opened.map((o) => o.base.average)],
  );
  await deals.recordEvents(manager, opened.map(({ deal, base }) => ({ dealId: deal.id, at: now, type: 'base_filled', reason: null, data: { price: base.average, amount: base.filled } })));
  for (const { deal, base } of opened) {
    deal.phase = 'active';
    deal.basePrice = base.average;
  }
}
