export { ExchangeModule } from './exchange.module.js';
export {
  ExchangeConnector, ExchangeGateway, ExchangeUnavailable, OrderRejected, splitSymbol,
  type Balances, type ExchangeOrder, type MarketRules, type OrderAnswer, type OrderRequest, type RejectReason,
} from './exchange.port.js';
export { floorToStep, prepareOrder, roundToStep } from './order-rules.js';
export { DEFAULT_PAPER_ACCOUNT_ID } from './paper/paper-accounts.js';
export { ExchangeAccountsService } from './accounts/exchange-accounts.service.js';
export { CcxtExchangeFactory } from './ccxt/ccxt-exchange.factory.js';
export { SecretBox } from './accounts/secret-box.js';
