import { Controller, Get, Param, Query } from '@nestjs/common';
import { CurrentAccount } from '../access/index.js';
import { UuidPageQuery, type Page } from '../common/pagination.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { ExchangeAccountsService } from '../exchange/index.js';
import type { OrderView } from './order.view.js';
import { OrdersService } from './orders.service.js';

@Controller('exchange-accounts')
export class ExchangeAccountOrdersController {
  constructor(
    private readonly accounts: ExchangeAccountsService,
    private readonly orders: OrdersService,
  ) {}

  @Get(':id/orders')
  async list(@Param('id', uuidParam()) id: string, @Query() query: UuidPageQuery, @CurrentAccount() accountId: string): Promise<Page<OrderView>> {
    await this.accounts.find(id, accountId);
    return this.orders.listForExchangeAccount(id, query.limit, query.cursor);
  }
}
