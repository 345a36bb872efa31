import { GridDealManager } from './grid-deal.manager.js';
import { GridMonitor } from './grid-monitor.js';
import { GridQueriesService } from './grid-queries.service.js';
import { GridRangeHandler } from './grid-range.js';
import { GridStarter } from './grid-starter.js';
import { GridStore } from './grid.store.js';

/** What the grid executor works with, for the executors module to provide. */
export const GRID_PROVIDERS = [GridStore, GridDealManager, GridStarter, GridRangeHandler, GridMonitor, GridQueriesService];
