import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { REDACTED, REDACTED_PATHS, redactUrl } from './redaction.js';

/** One JSON line as the app's logger (same redaction) writes it. */
function logged(fields: object): string {
  let line = '';
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => ((line += chunk.toString()), done()) });
  pino({ redact: { paths: REDACTED_PATHS, censor: REDACTED } }, sink).info(fields, 'line');
  return line;
}

describe('log redaction', () => {
  it('hides secret fields at the top of a line, in its context and in a logged error\'s properties', () => {
    const error = Object.assign(new Error('exchange refused'), { apiKey: 'k-err', request: { headers: { authorization: 'Bearer h-err' }, secret: 's-err' } });
    const line = logged({
      apiKey: 'k-top', secret: 's-top', token: 't-top', webhookSecret: 'w-top', signalSecret: 'g-top', password: 'p-top',
      account: { apiKey: 'k-ctx', credentials: { anything: 'c-ctx' } },
      config: { SECRETS_KEY: 'sk-env', ADMIN_TOKEN: 'at-env' },
      err: error,
      botId: 'bot-1', triggerId: 'trigger-1',
    });
    for (const value of ['k-top', 's-top', 't-top', 'w-top', 'g-top', 'p-top', 'k-ctx', 'c-ctx', 'sk-env', 'at-env', 'k-err', 'h-err', 's-err']) {
      expect(line, value).not.toContain(value);
    }
    expect(JSON.parse(line)).toMatchObject({ botId: 'bot-1', triggerId: 'trigger-1', apiKey: REDACTED, err: { message: 'exchange refused', apiKey: REDACTED } });
  });

  it('hides credential headers wherever headers are logged', () => {
    const headers = { authorization: 'Bearer a', 'proxy-authorization': 'Basic b', cookie: 'c', 'x-api-key': 'd', 'x-webhook-secret': 'e', accept: 'json' };
    const line = logged({ req: { headers }, headers, upstream: { response: { headers } } });
    for (const value of ['Bearer a', 'Basic b', '"c"', '"d"', '"e"']) expect(line, value).not.toContain(value);
    expect(JSON.parse(line).upstream.response.headers).toEqual({ ...Object.fromEntries(Object.keys(headers).map((h) => [h, REDACTED])), accept: 'json' });
  });

  it('keeps a URL readable without its password', () => {
    expect(redactUrl('postgres://app:s3cr%40t@db:5432/bots')).toBe('postgres://app:***@db:5432/bots');
    expect(redactUrl('redis://:pw@127.0.0.1:6379/0')).toBe('redis://:***@127.0.0.1:6379/0');
    expect(redactUrl('postgres://db/bots?user=app&password=pw')).toBe('postgres://db/bots?user=app&password=***');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});
