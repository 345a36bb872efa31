import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { uuidParam } from '../common/uuid.pipe.js';
import { AccountsService, type CreatedAccount } from './accounts.service.js';
import { ApiTokensService, type IssuedToken } from './api-tokens.service.js';
import { CurrentPrincipal } from './current-account.decorator.js';
import { CreateAccountDto, CreateTokenDto } from './dto/create-account.dto.js';
import type { Principal } from './principal.js';
import { AdminOnly } from './route-access.decorator.js';

/** Accounts and their API tokens; a token is shown in clear only in the answer that creates it. */
@Controller()
export class AccountsController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly tokens: ApiTokensService,
  ) {}

  @Post('accounts')
  @AdminOnly()
  create(@Body() body: CreateAccountDto): Promise<CreatedAccount> {
    return this.accounts.create(body.name);
  }

  @Post('accounts/:id/tokens')
  issue(@Param('id', uuidParam()) id: string, @Body() body: CreateTokenDto, @CurrentPrincipal() principal: Principal): Promise<IssuedToken> {
    return this.accounts.issueToken(id, principal, body?.label);
  }

  /** Revoked at once: the next request with the token is a 401. */
  @Delete('tokens/:id')
  @HttpCode(204)
  revoke(@Param('id', uuidParam()) id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.tokens.revoke(id, principal);
  }
}
