import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FakeAccount } from './fake-account.js';
import { binanceError, BinanceFailure, type FakeRequest } from './fake-binance.types.js';

/**
 * Binance's checks on a SIGNED endpoint, in its order and with its answers: the API key header, then the
 * mandatory timestamp and signature, then the HMAC-SHA256 of the query string followed by the body.
 */
export function requireSigned(request: FakeRequest, account: FakeAccount): void {
  const key = request.headers['x-mbx-apikey'];
  if (typeof key !== 'string' || key === '') throw new BinanceFailure(binanceError(401, -2014, 'API-key format invalid.'));
  if (key !== account.apiKey) throw new BinanceFailure(binanceError(401, -2015, 'Invalid API-key, IP, or permissions for action.'));
  mandatory(request, 'timestamp');
  mandatory(request, 'signature');
  const payload = (request.rawQuery + request.rawBody).replace(/&?signature=[^&]*/, '');
  const expected = createHmac('sha256', account.secret).update(payload).digest('hex');
  const given = Buffer.from(request.params.signature);
  if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) {
    throw new BinanceFailure(binanceError(400, -1022, 'Signature for this request is not valid.'));
  }
}

export function mandatory(request: FakeRequest, name: string): string {
  const value = request.params[name];
  if (value === undefined || value === '') {
    throw new BinanceFailure(binanceError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`));
  }
  return value;
}
