import { spotInfos } from './market.routes.js';

/** A spot symbol's trading filters, read from its exchangeInfo entry, as numbers (0 means "no limit", as in Binance). */
export interface SymbolFilters {
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  minPrice: number;
  maxPrice: number;
  tickSize: number;
  minQty: number;
  maxQty: number;
  stepSize: number;
  marketMinQty: number;
  marketMaxQty: number;
  minNotional: number;
  maxNotional: number;
  applyMinToMarket: boolean;
  applyMaxToMarket: boolean;
  notionalFilter: 'NOTIONAL' | 'MIN_NOTIONAL';
}

type RawFilter = Record<string, string | boolean>;

export function symbolFilters(symbol: string): SymbolFilters | undefined {
  const info = spotInfos().find((entry) => entry.symbol === symbol);
  if (!info) return undefined;
  const filters = info.filters as RawFilter[];
  const of = (type: string): RawFilter => filters.find((f) => f.filterType === type) ?? {};
  const num = (filter: RawFilter, key: string): number => Number(filter[key] ?? 0);
  const price = of('PRICE_FILTER');
  const lot = of('LOT_SIZE');
  const marketLot = of('MARKET_LOT_SIZE');
  // Newer symbols carry NOTIONAL, older ones MIN_NOTIONAL (with `applyToMarket`).
  const notionalFilter = filters.some((f) => f.filterType === 'NOTIONAL') ? 'NOTIONAL' : 'MIN_NOTIONAL';
  const notional = of(notionalFilter);
  return {
    symbol,
    baseAsset: String(info.baseAsset),
    quoteAsset: String(info.quoteAsset),
    minPrice: num(price, 'minPrice'),
    maxPrice: num(price, 'maxPrice'),
    tickSize: num(price, 'tickSize'),
    minQty: num(lot, 'minQty'),
    maxQty: num(lot, 'maxQty'),
    stepSize: num(lot, 'stepSize'),
    marketMinQty: num(marketLot, 'minQty'),
    marketMaxQty: num(marketLot, 'maxQty'),
    minNotional: num(notional, 'minNotional'),
    maxNotional: num(notional, 'maxNotional'),
    applyMinToMarket: (notional.applyMinToMarket ?? notional.applyToMarket ?? true) !== false,
    applyMaxToMarket: notional.applyMaxToMarket === true,
    notionalFilter,
  };
}

/** The filter an order breaks, named as in Binance's "Filter failure: X" message, or undefined. */
export function failedFilter(filters: SymbolFilters, order: { market: boolean; qty: number; price: number }): string | undefined {
  const { market, qty, price } = order;
  if (!market) {
    if (price < filters.minPrice || (filters.maxPrice > 0 && price > filters.maxPrice) || !onGrid(price - filters.minPrice, filters.tickSize)) {
      return 'PRICE_FILTER';
    }
  }
  if (qty < filters.minQty || (filters.maxQty > 0 && qty > filters.maxQty) || !onGrid(qty - filters.minQty, filters.stepSize)) {
    return 'LOT_SIZE';
  }
  if (market && (qty < filters.marketMinQty || (filters.marketMaxQty > 0 && qty > filters.marketMaxQty))) return 'MARKET_LOT_SIZE';
  const cost = qty * price;
  const checkMin = !market || filters.applyMinToMarket;
  const checkMax = filters.maxNotional > 0 && (!market || filters.applyMaxToMarket);
  if ((checkMin && cost < filters.minNotional * (1 - 1e-12)) || (checkMax && cost > filters.maxNotional)) {
    return filters.notionalFilter;
  }
  return undefined;
}

/** Whether `value` is a whole number of `step`s; Binance works in 8 decimals, so does this. */
function onGrid(value: number, step: number): boolean {
  if (step === 0) return true;
  const units = Math.round(value * 1e8);
  const stepUnits = Math.round(step * 1e8);
  return units % stepUnits === 0;
}

/** `qty` rounded down to the lot step, in Binance's 8 decimals: how a quoteOrderQty becomes a quantity. */
export function floorToLot(qty: number, filters: SymbolFilters): number {
  if (filters.stepSize === 0) return Math.floor(qty * 1e8) / 1e8;
  const stepUnits = Math.round(filters.stepSize * 1e8);
  const units = Math.floor(Math.round(qty * 1e8 * 1e4) / 1e4 / stepUnits) * stepUnits;
  return units / 1e8;
}
