import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, verifyWebhook, webhookHeaders } from './webhook-signature.js';

describe('webhook signatures', () => {
  const secret = newWebhookSecret();
  const body = JSON.stringify({ id: 'msg-1', type: 'deal.opened', data: { x: 1 } });

  it('signs "<id>.<timestamp>.<body>" with HMAC-SHA256 under the whole secret, in hex after "v1="', () => {
    const headers = webhookHeaders(secret, 'msg-1', 1_700_000_000, body);
    const expected = createHmac('sha256', secret).update(`msg-1.1700000000.${body}`).digest('hex');
    expect(headers).toEqual({ 'webhook-id': 'msg-1', 'webhook-timestamp': '1700000000', 'webhook-signature': `v1=${expected}` });
    expect(secret).toMatch(/^whsec_[\w-]{43}$/);
  });

  it('verifies a genuine request and refuses a changed body, id, secret, or a stale timestamp', () => {
    const headers = webhookHeaders(secret, 'msg-1', 1_700_000_000, body);
    expect(verifyWebhook(secret, headers, body, 1_700_000_100)).toBe(true);
    expect(verifyWebhook(secret, headers, `${body} `, 1_700_000_100)).toBe(false);
    expect(verifyWebhook(secret, { ...headers, 'webhook-id': 'msg-2' }, body, 1_700_000_100)).toBe(false);
    expect(verifyWebhook(newWebhookSecret(), headers, body, 1_700_000_100)).toBe(false);
    expect(verifyWebhook(secret, headers, body, 1_700_000_000 + 301)).toBe(false);
    expect(verifyWebhook(secret, { ...headers, 'webhook-signature': `v2=abc ${headers['webhook-signature']}` }, body, 1_700_000_000)).toBe(true);
  });
});
