import { Injectable } from '@nestjs/common';
import ccxt, { type Exchange } from 'ccxt';

export interface ExchangeCredentials {
  apiKey: string;
  secret: string;
  password?: string;
}

/** Creates the ccxt instance of an exchange account; a port, so tests can point instances at a fake exchange. */
export abstract class CcxtExchangeFactory {
  /** `credentials` null gives a public-data-only instance; `sandbox` switches to the exchange's test network. */
  abstract create(exchangeId: string, credentials: ExchangeCredentials | null, sandbox: boolean): Exchange;
}

/**
 * Spot instances with ccxt's rate limiter on. ccxt's request retries (`maxRetriesOnFailure`) are left at their
 * default of none; the gateway also pins them to 0 on each order placement.
 */
@Injectable()
export class DefaultCcxtExchangeFactory extends CcxtExchangeFactory {
  create(exchangeId: string, credentials: ExchangeCredentials | null, sandbox: boolean): Exchange {
    if (!ccxt.exchanges.includes(exchangeId)) {
      throw new Error(`unknown exchange id "${exchangeId}": it must be one of ccxt.exchanges (${ccxt.exchanges.join(', ')})`);
    }
    const constructors = ccxt as unknown as Record<string, new (config: object) => Exchange>;
    const exchange = new constructors[exchangeId]({
      ...(credentials && { apiKey: credentials.apiKey, secret: credentials.secret }),
      ...(credentials?.password !== undefined && { password: credentials.password }),
      enableRateLimit: true,
      options: { defaultType: 'spot' },
    });
    if (sandbox) exchange.setSandboxMode(true);
    return exchange;
  }
}
