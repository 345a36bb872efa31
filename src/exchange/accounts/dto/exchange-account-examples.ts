import type { ExamplesObject } from '@nestjs/swagger';

/** Example bodies of `POST /exchange-accounts`; test/api/openapi-examples.test.ts posts each one and expects it accepted. */
export const EXCHANGE_ACCOUNT_EXAMPLES: ExamplesObject = {
  paper: { summary: 'A paper account with its own balances', value: { exchange: 'paper', label: 'paper 2', balances: { USDT: 5000, BTC: 0.1 } } },
  live: {
    summary: 'A live account on the exchange\'s sandbox (needs SECRETS_KEY on the server)',
    value: { exchange: 'binance', label: 'binance testnet', apiKey: 'your-api-key', secret: 'your-api-secret', sandbox: true },
  },
};
