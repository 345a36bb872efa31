import { CcxtExchangeFactory } from '../../../src/exchange/index.js';
import { FakeCcxtFactory } from '../fake-ccxt-factory.js';
import type { Override } from '../test-app.js';
import { start, type FakeBinance } from './fake-binance.server.js';

export interface FundedFakeBinance {
  server: FakeBinance;
  /** For `startTestApp`'s overrides: the app's binance accounts then talk to this fake. */
  override: Override;
  /** Closes the ccxt instances, then the server. */
  close(): Promise<void>;
}

/** Tests that create a live binance account need a fake that accepts its keys and can fill a BTC/USDT order, and an app wired to it. */
export async function startFundedFakeBinance(credentials: { apiKey: string; secret: string }, timeoutMs: number): Promise<FundedFakeBinance> {
  const binance = await start({ ...credentials, balances: { USDT: 10_000, BTC: 0.5 } });
  binance.state.account.prices.BTCUSDT = 30_000;
  const factory = new FakeCcxtFactory(binance.url, { timeoutMs });
  return {
    server: binance,
    override: { provide: CcxtExchangeFactory, useValue: factory },
    close: async () => {
      await factory.close();
      await binance.close();
    },
  };
}
