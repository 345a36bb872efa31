import {
  BadSymbol,
  BaseError,
  DDoSProtection,
  ExchangeError,
  ExchangeNotAvailable,
  InsufficientFunds,
  InvalidOrder,
  NotSupported,
  OnMaintenance,
  OperationFailed,
  BadRequest,
  RequestTimeout,
  type Exchange,
} from 'ccxt';
import { ExchangeUnavailable, OrderRejected } from '../exchange.port.js';

/**
 * Turns what ccxt threw into the port's two outcomes. The ccxt class decides, not the message:
 * - refusals that retrying will not change (funds, order rules, unknown market, any other exchange answer)
 *   become OrderRejected;
 * - everything that means "no answer, or not now" (timeouts, network, 429/418, maintenance, the exchange's own
 *   internal errors) becomes ExchangeUnavailable: during placement the order may exist, so the caller looks it up.
 * Errors that are not ccxt's (bugs) are returned unchanged.
 */
export function toGatewayError(error: unknown, exchange: Exchange, action: string): unknown {
  if (!(error instanceof BaseError)) return error;
  const message = `${exchange.id} ${action}: ${redact(error.message, exchange)}`;
  // Binance answers a reused client order id of an order it still holds with -2010 "Duplicate order sent."
  // (an InsufficientFunds in ccxt): the order exists, so the caller must look it up, not record a refusal.
  if (/duplicate order/i.test(error.message)) return new ExchangeUnavailable('network', `${message} (the order already exists: look it up)`);
  // Order matters: subclasses before their parents (BadSymbol < BadRequest, OnMaintenance < ExchangeNotAvailable).
  if (error instanceof InsufficientFunds) return new OrderRejected('insufficient_funds', message);
  if (error instanceof BadSymbol) return new OrderRejected('unknown_market', message);
  if (error instanceof InvalidOrder || error instanceof BadRequest || error instanceof NotSupported) {
    return new OrderRejected('invalid_order', message);
  }
  if (error instanceof ExchangeError) return new OrderRejected('exchange_error', message);
  if (error instanceof RequestTimeout) return new ExchangeUnavailable('timeout', message);
  // RateLimitExceeded is a DDoSProtection in ccxt; binance throws DDoSProtection for 429 and 418.
  if (error instanceof DDoSProtection) return new ExchangeUnavailable('rate_limit', message, retryAfterMs(exchange));
  if (error instanceof OnMaintenance) return new ExchangeUnavailable('maintenance', message, retryAfterMs(exchange));
  if (error instanceof ExchangeNotAvailable) return new ExchangeUnavailable('network', message, retryAfterMs(exchange));
  if (error instanceof OperationFailed) return new ExchangeUnavailable('network', message);
  return new OrderRejected('exchange_error', message);
}

/**
 * The Retry-After of the response that failed, in ms. ccxt keeps no headers on its errors, only the last
 * response's on the instance (`last_response_headers`, keys capitalised like `Retry-After`); this is read right as
 * the error arrives, so it is that response's unless another request of the same instance completed in between.
 * Accepts seconds or an HTTP date, as RFC 9110 allows.
 */
export function retryAfterMs(exchange: Exchange, now: number = Date.now()): number | undefined {
  const headers = (exchange.last_response_headers ?? {}) as Record<string, string | undefined>;
  const key = Object.keys(headers).find((name) => name.toLowerCase() === 'retry-after');
  const value = key === undefined ? undefined : headers[key]?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * ccxt puts the request URL in many messages, and for signed requests the query carries the signature;
 * credentials are never meant to appear, but are scrubbed too in case an exchange echoes them.
 */
export function redact(message: string, exchange: Exchange): string {
  let text = message.replace(/(https?:\/\/[^\s?]+)\?\S*/g, '$1');
  for (const secret of [exchange.apiKey, exchange.secret, exchange.password, exchange.uid]) {
    if (typeof secret === 'string' && secret.length >= 4) text = text.split(secret).join('***');
  }
  return text;
}
