export { TradingModule } from './trading.module.js';
export { DealsService, type OpenDealRequest } from './deals.service.js';
export { OrderPlacer } from './order-placer.js';
export { OrderReconciler } from './order-reconciler.js';
export { OrdersService } from './orders.service.js';
export { OrderEntity, type OrderStatus } from './order.entity.js';
export { DealEntity, type DealStatus } from './deal.entity.js';
export type { OrderView } from './order.view.js';
