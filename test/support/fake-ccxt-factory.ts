import type { Exchange } from 'ccxt';
import { CcxtExchangeFactory, DefaultCcxtExchangeFactory, type ExchangeCredentials } from '../../src/exchange/ccxt/ccxt-exchange.factory.js';
import { pointAtFakeBinance } from './fake-binance/ccxt-binding.js';

export interface FakeCcxtFactoryOptions {
  /** ccxt's request timeout: a withheld answer fails this fast (default 600 ms). */
  timeoutMs?: number;
}

/**
 * The app's ccxt factory for tests: real ccxt binance instances, built as the app builds them, but talking to a
 * fake Binance server. Unknown exchange ids are refused as the real factory refuses them; any other real
 * exchange is refused too, so a test never reaches the network.
 * Use as `{ provide: CcxtExchangeFactory, useValue: new FakeCcxtFactory(binance.url) }`.
 */
export class FakeCcxtFactory extends CcxtExchangeFactory {
  /** Every instance handed out, in order, for tests that look at them (and for `close`). */
  readonly created: Exchange[] = [];
  private readonly real = new DefaultCcxtExchangeFactory();
  private readonly timeoutMs: number;

  constructor(
    private readonly origin: string,
    options: FakeCcxtFactoryOptions = {},
  ) {
    super();
    this.timeoutMs = options.timeoutMs ?? 600;
  }

  create(exchangeId: string, credentials: ExchangeCredentials | null, sandbox: boolean): Exchange {
    const exchange = this.real.create(exchangeId, credentials, sandbox);
    if (exchangeId !== 'binance') {
      void exchange.close();
      throw new Error(`FakeCcxtFactory fakes binance only, not "${exchangeId}": a test must not reach a real exchange`);
    }
    pointAtFakeBinance(exchange, this.origin);
    exchange.timeout = this.timeoutMs;
    this.created.push(exchange);
    return exchange;
  }

  async close(): Promise<void> {
    await Promise.all(this.created.map((exchange) => exchange.close()));
  }
}
