export { ExchangeModule } from './exchange.module.js';
export { ExchangeConnector, ExchangeGateway, OrderRejected, splitSymbol, type ExchangeOrder, type OrderRequest } from './exchange.port.js';
export { DEFAULT_PAPER_ACCOUNT_ID } from './paper/paper-accounts.js';
