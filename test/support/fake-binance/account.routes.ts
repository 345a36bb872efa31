import { binanceError, BinanceFailure, type FakeBinanceState, type FakeRequest, type RouteGroup } from './fake-binance.types.js';
import { mandatory, requireSigned } from './signed.js';
import { symbolFilters } from './symbol-filters.js';

/**
 * Binance spot's account endpoints: GET /api/v3/account (balances, zero ones included as by default) and
 * GET /api/v3/myTrades (the fills, with their commissions, which order look-ups do not report).
 */
export const accountRoutes: RouteGroup = (state) => [
  { method: 'GET', path: '/api/v3/myTrades', handle: (request) => ({ body: myTrades(request, state) }) },
  {
    method: 'GET',
    path: '/api/v3/account',
    handle: (request) => {
      requireSigned(request, state.account);
      const rate = state.account.commissionRate.toFixed(8);
      const bps = Math.round(state.account.commissionRate * 10_000);
      return {
        body: {
          makerCommission: bps,
          takerCommission: bps,
          buyerCommission: 0,
          sellerCommission: 0,
          commissionRates: { maker: rate, taker: rate, buyer: '0.00000000', seller: '0.00000000' },
          canTrade: true,
          canWithdraw: true,
          canDeposit: true,
          brokered: false,
          requireSelfTradePrevention: false,
          preventSor: false,
          updateTime: state.now(),
          accountType: 'SPOT',
          balances: [...state.account.balances].map(([asset, { free, locked }]) => ({
            asset,
            free: free.toFixed(8),
            locked: locked.toFixed(8),
          })),
          permissions: ['SPOT'],
          uid: 365859102,
        },
      };
    },
  },
];

/** The account's trades of a symbol (of one order with `orderId`), oldest first: where Binance reports commissions. */
function myTrades(request: FakeRequest, state: FakeBinanceState): unknown {
  requireSigned(request, state.account);
  const symbol = mandatory(request, 'symbol');
  if (!symbolFilters(symbol)) throw new BinanceFailure(binanceError(400, -1121, 'Invalid symbol.'));
  const orderId = request.params.orderId === undefined ? undefined : Number(request.params.orderId);
  return state.account.orders
    .filter((o) => o.symbol === symbol && (orderId === undefined || o.orderId === orderId))
    .flatMap((o) =>
      o.fills.map((f) => ({
        symbol,
        id: f.tradeId,
        orderId: o.orderId,
        orderListId: -1,
        price: f8(f.price),
        qty: f8(f.qty),
        quoteQty: f8(f.price * f.qty),
        commission: f8(f.commission),
        commissionAsset: f.commissionAsset,
        time: f.time,
        isBuyer: o.side === 'BUY',
        isMaker: f.isMaker,
        isBestMatch: true,
      })),
    )
    .sort((a, b) => a.id - b.id);
}

const f8 = (value: number): string => value.toFixed(8);
