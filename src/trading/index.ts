export { TradingModule } from './trading.module.js';
export { DealsService, type LegOrder, type OpenDealRequest } from './deals.service.js';
export { OrderEvents, type OrderListener } from './order-events.js';
export { OrderPlacer } from './order-placer.js';
export { OrderReconciler } from './order-reconciler.js';
export { OrdersService } from './orders.service.js';
export { OrderEntity, type OrderLeg, type OrderStatus } from './order.entity.js';
export { DealEntity, type DealPhase, type DealStatus } from './deal.entity.js';
export type { OrderView } from './order.view.js';
