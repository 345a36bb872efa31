import ccxt, { type Balances as CcxtBalances, type Fee, type MarketInterface, type Order, type Trade } from 'ccxt';
import { splitSymbol, type Balances, type ExchangeOrder, type ExchangeOrderStatus, type MarketRules } from '../exchange.port.js';

/** What the caller knows of an order, for the fields an exchange answer may leave out (an ACK, a cancel). */
export interface OrderContext {
  clientOrderId?: string;
  symbol?: string;
  side?: 'buy' | 'sell';
  type?: 'market' | 'limit';
}

/**
 * ccxt's unified order → the port's. The client order id the caller asked about wins over the answer's:
 * Binance's cancel answer carries the cancel request's own id in `clientOrderId`. `trades`, when given, are the
 * order's fills fetched separately, for their fees.
 */
export function toExchangeOrder(order: Order, context: OrderContext = {}, trades?: Trade[]): ExchangeOrder {
  const symbol = order.symbol ?? context.symbol ?? '';
  const side = order.side === 'buy' || order.side === 'sell' ? order.side : (context.side ?? 'buy');
  const type = order.type === 'market' || order.type === 'limit' ? order.type : (context.type ?? 'limit');
  const filled = order.filled ?? 0;
  const { fee, feeCurrency } = feeOf(trades ? trades.map((t) => t.fee) : orderFees(order), side, symbol);
  return {
    exchangeOrderId: String(order.id ?? ''),
    clientOrderId: context.clientOrderId ?? order.clientOrderId ?? '',
    symbol,
    side,
    type,
    // The limit price. ccxt copies the average into a market order's price; that is `average` here.
    price: type === 'limit' && order.price ? order.price : null,
    status: statusOf(order.status, filled),
    amount: order.amount ?? filled,
    filled,
    average: order.average ? order.average : null,
    fee,
    feeCurrency,
  };
}

function statusOf(status: Order['status'], filled: number): ExchangeOrderStatus {
  switch (status) {
    case 'closed':
      return 'filled';
    case 'canceled':
    case 'expired':
      return 'canceled';
    case 'rejected':
      return 'rejected';
    default:
      // 'open', 'canceling', or none at all (an ACK answer): the exchange holds the order.
      return filled > 0 ? 'partially_filled' : 'open';
  }
}

/** The fee charges ccxt found in an order answer: `fees` (the fills' fees summed per currency), else `fee`. */
export function orderFees(order: Order): Fee[] {
  const listed = (order as Order & { fees?: Fee[] }).fees;
  return (listed?.length ? listed : [order.fee]).filter((f) => f !== undefined && f !== null);
}

/**
 * One fee for the port, which keeps one currency: the first one charged, summed; with no charge, the currency a
 * fee would be taken in (what the order receives).
 */
function feeOf(fees: Fee[], side: 'buy' | 'sell', symbol: string): { fee: number; feeCurrency: string } {
  const charges = fees.filter((f): f is NonNullable<Fee> => !!f?.currency && !!f.cost);
  if (charges.length > 0) {
    const currency = charges[0].currency!;
    const fee = charges.filter((f) => f.currency === currency).reduce((sum, f) => sum + f.cost!, 0);
    return { fee: Number(fee.toPrecision(15)), feeCurrency: currency };
  }
  const { base, quote } = symbol.includes('/') ? splitSymbol(symbol) : { base: '', quote: '' };
  return { fee: 0, feeCurrency: side === 'buy' ? base : quote };
}

/** ccxt's market → the port's rules; precision is a step in TICK_SIZE mode and a count of decimals in DECIMAL_PLACES. */
export function toMarketRules(market: MarketInterface, precisionMode: number | undefined, exchangeId: string): MarketRules {
  const step = (precision: number | undefined, what: string): number => {
    if (precision === undefined || precision === null) throw new Error(`${exchangeId} gives no ${what} precision for ${market.symbol}`);
    if (precisionMode === ccxt.TICK_SIZE) return precision;
    if (precisionMode === ccxt.DECIMAL_PLACES) return Number((10 ** -precision).toFixed(precision));
    throw new Error(`${exchangeId} counts ${what} precision in significant digits, which has no fixed step: not supported`);
  };
  return {
    symbol: market.symbol,
    base: market.base,
    quote: market.quote,
    amountStep: step(market.precision.amount, 'amount'),
    priceStep: step(market.precision.price, 'price'),
    minAmount: market.limits.amount?.min ?? null,
    minCost: market.limits.cost?.min ?? null,
    maxAmount: market.limits.amount?.max ?? null,
  };
}

const BALANCE_META = new Set(['info', 'free', 'used', 'total', 'debt', 'timestamp', 'datetime']);

/** Assets with anything in them; Binance lists hundreds of empty ones. */
export function toBalances(balance: CcxtBalances): Balances {
  const result: Balances = {};
  for (const [asset, entry] of Object.entries(balance)) {
    if (BALANCE_META.has(asset) || !entry || typeof entry !== 'object') continue;
    const { free, used, total } = entry as { free?: number; used?: number; total?: number };
    if (!free && !used && !total) continue;
    result[asset] = { free: free ?? 0, used: used ?? 0, total: total ?? (free ?? 0) + (used ?? 0) };
  }
  return result;
}
