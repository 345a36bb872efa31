import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentAccount } from '../access/index.js';
import { UuidPageQuery, type Page } from '../common/pagination.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { ExchangeAccountsService } from '../exchange/index.js';
import { ApiById, ApiTokenAuth } from '../openapi/index.js';
import type { OrderView } from './order.view.js';
import { OrdersService } from './orders.service.js';

@Controller('exchange-accounts')
@ApiTags('exchange-accounts')
@ApiTokenAuth()
export class ExchangeAccountOrdersController {
  constructor(
    private readonly accounts: ExchangeAccountsService,
    private readonly orders: OrdersService,
  ) {}

  @Get(':id/orders')
  @ApiOperation({ summary: 'List an exchange account\'s orders' })
  @ApiById('exchange account')
  @ApiResponse({ status: 200, description: 'A page of the orders of every bot trading through the account: `{items, nextCursor}`.' })
  async list(@Param('id', uuidParam()) id: string, @Query() query: UuidPageQuery, @CurrentAccount() accountId: string): Promise<Page<OrderView>> {
    await this.accounts.find(id, accountId);
    return this.orders.listForExchangeAccount(id, query.limit, query.cursor);
  }
}
