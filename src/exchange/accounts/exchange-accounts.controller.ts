import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentAccount } from '../../access/index.js';
import { uuidParam } from '../../common/uuid.pipe.js';
import { ApiBadInput, ApiById, ApiConflict, ApiErrorResponse, ApiJsonBody, ApiTokenAuth } from '../../openapi/index.js';
import { ExchangeConnector, type Balances } from '../exchange.port.js';
import { CreateExchangeAccountDto } from './dto/create-exchange-account.dto.js';
import { EXCHANGE_ACCOUNT_EXAMPLES } from './dto/exchange-account-examples.js';
import type { ExchangeAccountView } from './exchange-account.entity.js';
import { ExchangeAccountsService } from './exchange-accounts.service.js';

/** Secrets go in, never out: no answer of these routes carries credentials. */
@Controller('exchange-accounts')
@ApiTags('exchange-accounts')
@ApiTokenAuth()
export class ExchangeAccountsController {
  constructor(
    private readonly accounts: ExchangeAccountsService,
    private readonly connector: ExchangeConnector,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create an exchange account', description: 'A paper account with its own balances, or a live one: its credentials are checked once with a balance call, encrypted at rest under `SECRETS_KEY`, and never returned.' })
  @ApiJsonBody({ type: CreateExchangeAccountDto, examples: EXCHANGE_ACCOUNT_EXAMPLES })
  @ApiResponse({ status: 201, description: 'The account, without credentials.' })
  @ApiBadInput('Bad input, an unknown exchange, or credentials the exchange refused: `fields` names the field.')
  @ApiErrorResponse(502, 'The exchange could not be reached to check the credentials.', 'EXCHANGE_UNREACHABLE', 'binance could not be reached to check the credentials; try again')
  create(@Body() body: CreateExchangeAccountDto, @CurrentAccount() accountId: string): Promise<ExchangeAccountView> {
    return this.accounts.create(body, accountId);
  }

  @Get()
  @ApiOperation({ summary: 'List the exchange accounts' })
  @ApiResponse({ status: 200, description: 'The account\'s exchange accounts, without credentials.' })
  list(@CurrentAccount() accountId: string): Promise<ExchangeAccountView[]> {
    return this.accounts.list(accountId);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get an exchange account' })
  @ApiById('exchange account')
  @ApiResponse({ status: 200, description: 'The exchange account, without credentials.' })
  get(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<ExchangeAccountView> {
    return this.accounts.get(id, accountId);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an exchange account', description: 'Its credentials are erased; refused while a bot trades through it.' })
  @ApiById('exchange account')
  @ApiResponse({ status: 204, description: 'Deleted.' })
  @ApiConflict('A bot trades through the account: delete it first.', 'EXCHANGE_ACCOUNT_IN_USE', '2 bot(s) trade through this account: delete them first')
  delete(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<void> {
    return this.accounts.delete(id, accountId);
  }

  @Get(':id/balance')
  @ApiOperation({ summary: 'Get an exchange account\'s balance' })
  @ApiById('exchange account')
  @ApiResponse({ status: 200, description: 'Free, used and total amount per asset.' })
  async balance(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<Balances> {
    await this.accounts.find(id, accountId);
    return (await this.connector.gateway(id)).fetchBalance();
  }
}
