import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentAccount } from '../access/index.js';
import { UuidPageQuery, type Page } from '../common/pagination.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { OrdersService, type OrderView } from '../trading/index.js';
import { BotPreviewService, type BotPreview } from './bot-preview.service.js';
import type { BotView } from './bot.view.js';
import { BotsService } from './bots.service.js';
import { CreateBotDto } from './dto/create-bot.dto.js';
import { PreviewBotDto } from './dto/preview-bot.dto.js';

@Controller('bots')
export class BotsController {
  constructor(
    private readonly bots: BotsService,
    private readonly orders: OrdersService,
    private readonly preview: BotPreviewService,
  ) {}

  @Post()
  create(@Body() body: CreateBotDto, @CurrentAccount() accountId: string): Promise<BotView> {
    return this.bots.create(body, accountId);
  }

  /** The ladder a `POST /bots` body would trade, checked against the exchange; nothing is created. */
  @Post('preview')
  @HttpCode(200)
  previewLadder(@Body() body: PreviewBotDto, @CurrentAccount() accountId: string): Promise<BotPreview> {
    return this.preview.preview(body, accountId);
  }

  @Get()
  list(@CurrentAccount() accountId: string): Promise<BotView[]> {
    return this.bots.list(accountId);
  }

  @Get(':id')
  get(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<BotView> {
    return this.bots.get(id, accountId);
  }

  @Post(':id/start')
  @HttpCode(200)
  start(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<BotView> {
    return this.bots.setStatus(id, 'running', accountId);
  }

  @Post(':id/stop')
  @HttpCode(200)
  stop(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<BotView> {
    return this.bots.setStatus(id, 'stopped', accountId);
  }

  @Delete(':id')
  @HttpCode(204)
  delete(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<void> {
    return this.bots.delete(id, accountId);
  }

  @Get(':id/orders')
  async listOrders(@Param('id', uuidParam()) id: string, @Query() query: UuidPageQuery, @CurrentAccount() accountId: string): Promise<Page<OrderView>> {
    await this.bots.find(id, accountId);
    return this.orders.listForBot(id, query.limit, query.cursor);
  }
}
