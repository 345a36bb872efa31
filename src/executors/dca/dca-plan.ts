import type { DealEntity } from '../../trading/index.js';
import type { DcaSettingsDto } from './dca-settings.dto.js';
import { safetyOrderDeviation, safetyOrderSize, takeProfitPrice } from './ladder.js';

export interface PlannedOrder {
  index: number;
  price: number;
  amount: number;
}

type Position = Pick<DealEntity, 'direction' | 'basePrice' | 'averageEntry' | 'entryAmount' | 'entryValue' | 'amount'>;

/** Safety order n (1-based) of a deal: on the ladder below (long) or above (short) the base order's fill price. */
export function safetyOrder(settings: DcaSettingsDto, deal: Position, n: number): PlannedOrder {
  const deviation = safetyOrderDeviation(n, settings.priceDeviation ?? 1, settings.safetyOrderStepScale ?? 1) / 100;
  const price = deal.direction === 'long' ? deal.basePrice! * (1 - deviation) : deal.basePrice! * (1 + deviation);
  const size = safetyOrderSize(n, settings.safetyOrderSize ?? settings.baseOrderSize, settings.safetyOrderVolumeScale ?? 1);
  return { index: n, price, amount: size / price };
}

/**
 * The take-profit orders a deal should have resting now, from its actual fills: one per multi-step target not yet
 * reached, and the final target for what remains. None with a trailing take profit (watched on candles instead).
 */
export function takeProfitOrders(settings: DcaSettingsDto, deal: Position, filledSteps: Set<number>): PlannedOrder[] {
  if (settings.trailingTakeProfit || deal.averageEntry === null || deal.amount <= 0) return [];
  const steps = settings.takeProfitSteps ?? [];
  const orders: PlannedOrder[] = [];
  let reserved = 0;
  steps.forEach((step, index) => {
    if (filledSteps.has(index)) return;
    const amount = Math.min(deal.entryAmount * (step.closePercent / 100), deal.amount - reserved);
    if (amount <= 0) return;
    reserved += amount;
    orders.push({ index, price: takeProfitPrice(deal.averageEntry!, step.profit, deal.direction), amount });
  });
  const rest = deal.amount - reserved;
  if (settings.takeProfit !== undefined && rest > 0) orders.push({ index: steps.length, price: finalTarget(settings, deal), amount: rest });
  return orders;
}

/** `average`: a % above the average entry; `base`: a profit of takeProfit % of the base order's size, over the whole position. */
export function finalTarget(settings: DcaSettingsDto, deal: Position): number {
  const tp = settings.takeProfit!;
  if (settings.takeProfitType !== 'base') return takeProfitPrice(deal.averageEntry!, tp, deal.direction);
  const profit = (tp / 100) * settings.baseOrderSize;
  return deal.direction === 'long' ? (deal.entryValue + profit) / deal.entryAmount : (deal.entryValue - profit) / deal.entryAmount;
}
