import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { UuidPageQuery, type Page } from '../common/pagination.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { OrdersService, type OrderView } from '../trading/index.js';
import type { BotView } from './bot.view.js';
import { BotsService } from './bots.service.js';
import { CreateBotDto } from './dto/create-bot.dto.js';

@Controller('bots')
export class BotsController {
  constructor(
    private readonly bots: BotsService,
    private readonly orders: OrdersService,
  ) {}

  @Post()
  create(@Body() body: CreateBotDto): Promise<BotView> {
    return this.bots.create(body);
  }

  @Get()
  list(): Promise<BotView[]> {
    return this.bots.list();
  }

  @Get(':id')
  get(@Param('id', uuidParam()) id: string): Promise<BotView> {
    return this.bots.get(id);
  }

  @Post(':id/start')
  @HttpCode(200)
  start(@Param('id', uuidParam()) id: string): Promise<BotView> {
    return this.bots.setStatus(id, 'running');
  }

  @Post(':id/stop')
  @HttpCode(200)
  stop(@Param('id', uuidParam()) id: string): Promise<BotView> {
    return this.bots.setStatus(id, 'stopped');
  }

  @Delete(':id')
  @HttpCode(204)
  delete(@Param('id', uuidParam()) id: string): Promise<void> {
    return this.bots.delete(id);
  }

  @Get(':id/orders')
  async listOrders(@Param('id', uuidParam()) id: string, @Query() query: UuidPageQuery): Promise<Page<OrderView>> {
    await this.bots.find(id);
    return this.orders.listForBot(id, query.limit, query.cursor);
  }
}
