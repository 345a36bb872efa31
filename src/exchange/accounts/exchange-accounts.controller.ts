import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentAccount } from '../../access/index.js';
import { uuidParam } from '../../common/uuid.pipe.js';
import { ExchangeConnector, type Balances } from '../exchange.port.js';
import { CreateExchangeAccountDto } from './dto/create-exchange-account.dto.js';
import type { ExchangeAccountView } from './exchange-account.entity.js';
import { ExchangeAccountsService } from './exchange-accounts.service.js';

/** Secrets go in, never out: no answer of these routes carries credentials. */
@Controller('exchange-accounts')
export class ExchangeAccountsController {
  constructor(
    private readonly accounts: ExchangeAccountsService,
    private readonly connector: ExchangeConnector,
  ) {}

  @Post()
  create(@Body() body: CreateExchangeAccountDto, @CurrentAccount() accountId: string): Promise<ExchangeAccountView> {
    return this.accounts.create(body, accountId);
  }

  @Get()
  list(@CurrentAccount() accountId: string): Promise<ExchangeAccountView[]> {
    return this.accounts.list(accountId);
  }

  @Get(':id')
  get(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<ExchangeAccountView> {
    return this.accounts.get(id, accountId);
  }

  @Delete(':id')
  @HttpCode(204)
  delete(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<void> {
    return this.accounts.delete(id, accountId);
  }

  @Get(':id/balance')
  async balance(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<Balances> {
    await this.accounts.find(id, accountId);
    return (await this.connector.gateway(id)).fetchBalance();
  }
}
