import { randomUUID } from 'node:crypto';
import { isOpen, type FakeOrder, type NewOrder } from './fake-order.js';
import { binanceError, BinanceFailure, type FakeBinanceState, type FakeRequest, type RouteGroup } from './fake-binance.types.js';
import { mandatory, requireSigned } from './signed.js';
import { symbolFilters } from './symbol-filters.js';

/**
 * Binance spot's order endpoints (`/api/v3/order`, `/api/v3/openOrders`) over the fake's account, answering
 * with Binance's JSON (decimals as 8-place strings) and its error codes, as recorded in ../shared/data/ccxt-static.
 */
export const orderRoutes: RouteGroup = (state) => [
  { method: 'POST', path: '/api/v3/order', handle: (request) => ({ body: placeOrder(request, state) }) },
  { method: 'GET', path: '/api/v3/order', handle: (request) => ({ body: orderJson(lookUp(request, state, true)) }) },
  { method: 'DELETE', path: '/api/v3/order', handle: (request) => ({ body: cancelOrder(request, state) }) },
  { method: 'GET', path: '/api/v3/openOrders', handle: (request) => ({ body: openOrders(request, state) }) },
];

const CLIENT_ID = /^[a-zA-Z0-9-_]{1,36}$/;

function placeOrder(request: FakeRequest, state: FakeBinanceState): unknown {
  requireSigned(request, state.account);
  const p = request.params;
  const symbol = mandatory(request, 'symbol');
  const side = mandatory(request, 'side');
  const type = mandatory(request, 'type');
  if (side !== 'BUY' && side !== 'SELL') throw invalid('side');
  if (type !== 'LIMIT' && type !== 'MARKET') throw invalid('type');
  const clientOrderId = p.newClientOrderId ?? `fake${randomUUID().replaceAll('-', '').slice(0, 18)}`;
  if (!CLIENT_ID.test(clientOrderId)) {
    throw new BinanceFailure(binanceError(400, -1100, `Illegal characters found in parameter 'newClientOrderId'; legal range is '${CLIENT_ID.source}'.`));
  }
  const order: NewOrder = { symbol, side, type, clientOrderId, timeInForce: p.timeInForce ?? 'GTC' };
  if (type === 'LIMIT') {
    mandatory(request, 'timeInForce');
    order.qty = decimal(request, 'quantity');
    order.price = decimal(request, 'price');
  } else if (p.quantity !== undefined) {
    order.qty = decimal(request, 'quantity');
  } else if (p.quoteOrderQty !== undefined) {
    order.quoteOrderQty = decimal(request, 'quoteOrderQty');
  } else {
    throw new BinanceFailure(binanceError(400, -1102, "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!"));
  }
  if (!symbolFilters(symbol)) throw new BinanceFailure(binanceError(400, -1121, 'Invalid symbol.'));
  const placed = state.account.place(order);
  const ack = { symbol, orderId: placed.orderId, orderListId: -1, clientOrderId, transactTime: placed.time };
  const respType = p.newOrderRespType ?? 'FULL';
  if (respType === 'ACK') return ack;
  const result = { ...ack, ...orderFields(placed), workingTime: placed.time, selfTradePreventionMode: 'EXPIRE_MAKER' };
  if (respType === 'RESULT') return result;
  const fills = placed.fills.map((f) => ({ price: f8(f.price), qty: f8(f.qty), commission: f8(f.commission), commissionAsset: f.commissionAsset, tradeId: f.tradeId }));
  return { ...result, fills };
}

/** The order a request names by orderId or origClientOrderId; -2013 when unknown (or still hidden, for `lookup`). */
function lookUp(request: FakeRequest, state: FakeBinanceState, lookup: boolean): FakeOrder {
  requireSigned(request, state.account);
  const symbol = mandatory(request, 'symbol');
  const { orderId, origClientOrderId } = request.params;
  if (orderId === undefined && origClientOrderId === undefined) {
    throw new BinanceFailure(binanceError(400, -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!"));
  }
  const id = orderId !== undefined ? { orderId: Number(orderId) } : { clientOrderId: origClientOrderId };
  const order = state.account.find(symbol, id);
  const notFound = lookup ? binanceError(400, -2013, 'Order does not exist.') : binanceError(400, -2011, 'Unknown order sent.');
  if (!order) throw new BinanceFailure(notFound);
  if (lookup && order.hiddenLookups > 0) {
    order.hiddenLookups--;
    throw new BinanceFailure(notFound);
  }
  return order;
}

function cancelOrder(request: FakeRequest, state: FakeBinanceState): unknown {
  const order = lookUp(request, state, false);
  // Binance refuses to cancel what is no longer open with the same answer as for an unknown order.
  if (!isOpen(order)) throw new BinanceFailure(binanceError(400, -2011, 'Unknown order sent.'));
  state.account.cancel(order);
  const { symbol, orderId } = order;
  return {
    symbol,
    origClientOrderId: order.clientOrderId,
    orderId,
    orderListId: -1,
    // The cancel request's own id, not the order's: a trap for clients that read this field.
    clientOrderId: request.params.newClientOrderId ?? `cancel${randomUUID().replaceAll('-', '').slice(0, 16)}`,
    transactTime: state.now(),
    ...orderFields(order),
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

function openOrders(request: FakeRequest, state: FakeBinanceState): unknown {
  requireSigned(request, state.account);
  const { symbol } = request.params;
  if (symbol !== undefined && !symbolFilters(symbol)) throw new BinanceFailure(binanceError(400, -1121, 'Invalid symbol.'));
  return state.account.openOrders(symbol).map(orderJson);
}

/** GET /api/v3/order's shape. */
export function orderJson(order: FakeOrder): unknown {
  return {
    symbol: order.symbol,
    orderId: order.orderId,
    orderListId: -1,
    clientOrderId: order.clientOrderId,
    ...orderFields(order),
    stopPrice: f8(0),
    icebergQty: f8(0),
    time: order.time,
    updateTime: order.updateTime,
    isWorking: true,
    workingTime: order.time,
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

function orderFields(order: FakeOrder): Record<string, string> {
  return {
    price: f8(order.price),
    origQty: f8(order.origQty),
    executedQty: f8(order.executedQty),
    origQuoteOrderQty: f8(order.origQuoteOrderQty),
    cummulativeQuoteQty: f8(order.cummulativeQuoteQty),
    status: order.status,
    timeInForce: order.timeInForce,
    type: order.type,
    side: order.side,
  };
}

function decimal(request: FakeRequest, name: string): number {
  const text = mandatory(request, name);
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(value)) throw invalid(name);
  if ((text.split('.')[1] ?? '').length > 8) throw new BinanceFailure(binanceError(400, -1111, `Parameter '${name}' has too much precision.`));
  return value;
}

function invalid(name: string): BinanceFailure {
  return new BinanceFailure(binanceError(400, -1100, `Illegal characters found in parameter '${name}'.`));
}

const f8 = (value: number): string => value.toFixed(8);
