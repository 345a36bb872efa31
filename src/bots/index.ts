export { BotsModule } from './bots.module.js';
export { BotsService, DEFAULT_ACCOUNT_ID } from './bots.service.js';
export { BotEntity, type BotStatus } from './bot.entity.js';
