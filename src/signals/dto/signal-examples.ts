import type { ExamplesObject } from '@nestjs/swagger';

/** Example alerts for `POST /signals/{botId}`; test/api/openapi-examples.test.ts sends each with a real secret. */
export const SIGNAL_EXAMPLES: ExamplesObject = {
  buy: { summary: 'Open a deal', value: { secret: 'sig_the-secret-shown-once', action: 'buy', id: 'alert-1' } },
  close: { summary: 'Close the open deal, with TradingView\'s own fields', value: { secret: 'sig_the-secret-shown-once', action: 'close', price: 23150.5, ticker: 'BTCUSDT', id: 'alert-2' } },
};
