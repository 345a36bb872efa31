import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentAccount } from '../access/index.js';
import { UuidPageQuery, type Page } from '../common/pagination.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { ApiBadInput, ApiById, ApiErrorResponse, ApiJsonBody, ApiTokenAuth } from '../openapi/index.js';
import { OrdersService, type OrderView } from '../trading/index.js';
import { BotPreviewService, type BotPreview } from './bot-preview.service.js';
import type { BotView } from './bot.view.js';
import { BotsService } from './bots.service.js';
import { CREATE_BOT_EXAMPLES, PREVIEW_BOT_EXAMPLES } from './dto/bot-examples.js';
import { DcaBotBody, DcaBotPreviewBody, GridBotBody, GridBotPreviewBody, TrendBotBody } from './dto/bot-variants.dto.js';
import { CreateBotDto } from './dto/create-bot.dto.js';
import { PreviewBotDto } from './dto/preview-bot.dto.js';

@Controller('bots')
@ApiTags('bots')
@ApiTokenAuth()
export class BotsController {
  constructor(
    private readonly bots: BotsService,
    private readonly orders: OrdersService,
    private readonly preview: BotPreviewService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a bot', description: 'Registers its conditions in the shared registry (identical ones are stored once) and starts it unless `start` is false.' })
  @ApiJsonBody({ oneOf: { property: 'type', mapping: { dca: DcaBotBody, trend: TrendBotBody, grid: GridBotBody } }, examples: CREATE_BOT_EXAMPLES })
  @ApiResponse({ status: 201, description: 'The bot, with each condition\'s registry id and canonical key.' })
  @ApiBadInput()
  create(@Body() body: CreateBotDto, @CurrentAccount() accountId: string): Promise<BotView> {
    return this.bots.create(body, accountId);
  }

  /** The ladder a `POST /bots` body would trade, checked against the exchange; nothing is created. */
  @Post('preview')
  @HttpCode(200)
  @ApiOperation({ summary: 'Preview a DCA bot\'s ladder or a grid\'s lines', description: 'Plans what a `POST /bots` body would trade, checked against the market\'s rules and the free quote balance; nothing is created.' })
  @ApiJsonBody({ oneOf: { property: 'type', mapping: { dca: DcaBotPreviewBody, grid: GridBotPreviewBody } }, examples: PREVIEW_BOT_EXAMPLES })
  @ApiResponse({ status: 200, description: 'The levels (or lines) with their prices and sizes, the total capital, and the problems the exchange would refuse.' })
  @ApiBadInput('Bad input, or a ladder or grid the exchange would refuse (`LADDER_INVALID`, `GRID_INVALID`): `fields` names the settings to change.')
  @ApiErrorResponse(503, 'The exchange did not answer.', 'EXCHANGE_UNAVAILABLE', 'the exchange did not answer: request timed out; try again later')
  previewLadder(@Body() body: PreviewBotDto, @CurrentAccount() accountId: string): Promise<BotPreview> {
    return this.preview.preview(body, accountId);
  }

  @Get()
  @ApiOperation({ summary: 'List the bots', description: 'In id order, one page at a time.' })
  @ApiResponse({ status: 200, description: 'A page of the account\'s bots: `{items, nextCursor}`.' })
  @ApiBadInput()
  list(@Query() query: UuidPageQuery, @CurrentAccount() accountId: string): Promise<Page<BotView>> {
    return this.bots.list(accountId, query.limit, query.cursor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a bot' })
  @ApiById('bot')
  @ApiResponse({ status: 200, description: 'The bot, with its settings and conditions.' })
  get(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<BotView> {
    return this.bots.get(id, accountId);
  }

  @Post(':id/start')
  @HttpCode(200)
  @ApiOperation({ summary: 'Start a bot' })
  @ApiById('bot')
  @ApiResponse({ status: 200, description: 'The bot, running.' })
  start(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<BotView> {
    return this.bots.setStatus(id, 'running', accountId);
  }

  @Post(':id/stop')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop a bot', description: 'It opens no new deal; open deals stay.' })
  @ApiById('bot')
  @ApiResponse({ status: 200, description: 'The bot, stopped.' })
  stop(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<BotView> {
    return this.bots.setStatus(id, 'stopped', accountId);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a bot', description: 'Its deals and orders stay on record.' })
  @ApiById('bot')
  @ApiResponse({ status: 204, description: 'Deleted.' })
  delete(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<void> {
    return this.bots.delete(id, accountId);
  }

  @Get(':id/orders')
  @ApiOperation({ summary: 'List a bot\'s orders' })
  @ApiById('bot')
  @ApiResponse({ status: 200, description: 'A page of the bot\'s orders: `{items, nextCursor}`.' })
  async listOrders(@Param('id', uuidParam()) id: string, @Query() query: UuidPageQuery, @CurrentAccount() accountId: string): Promise<Page<OrderView>> {
    await this.bots.find(id, accountId);
    return this.orders.listForBot(id, query.limit, query.cursor);
  }
}
