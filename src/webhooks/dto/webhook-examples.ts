import type { ExamplesObject } from '@nestjs/swagger';

/** Example bodies of `POST /webhooks`; test/api/openapi-examples.test.ts posts each one and expects it accepted. */
export const WEBHOOK_EXAMPLES: ExamplesObject = {
  all: {
    summary: 'Every deal event',
    value: { url: 'https://example.com/hooks/trading', events: ['deal.opened', 'deal.safety_filled', 'deal.closed', 'deal.error'], description: 'deal alerts to our chat relay' },
  },
  closes: { summary: 'Closed deals only', value: { url: 'https://example.com/hooks/pnl', events: ['deal.closed'] } },
};
