export { BotsModule } from './bots.module.js';
export { BotsService } from './bots.service.js';
export { DEFAULT_ACCOUNT_ID } from '../access/index.js';
export { BotEntity, type BotStatus } from './bot.entity.js';
export { CreateBotDto } from './dto/create-bot.dto.js';
