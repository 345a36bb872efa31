import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { uuidParam } from '../common/uuid.pipe.js';
import { ApiAdminOnly, ApiBadInput, ApiById, ApiJsonBody, ApiTokenAuth } from '../openapi/index.js';
import { AccountsService, type CreatedAccount } from './accounts.service.js';
import { ApiTokensService, type IssuedToken } from './api-tokens.service.js';
import { CurrentPrincipal } from './current-account.decorator.js';
import { CreateAccountDto, CreateTokenDto } from './dto/create-account.dto.js';
import type { Principal } from './principal.js';
import { AdminOnly } from './route-access.decorator.js';

/** Accounts and their API tokens; a token is shown in clear only in the answer that creates it. */
@Controller()
@ApiTags('accounts')
@ApiTokenAuth()
export class AccountsController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly tokens: ApiTokensService,
  ) {}

  @Post('accounts')
  @AdminOnly()
  @ApiOperation({ summary: 'Create an account', description: 'Admin token only. Answers the account and its first API token, shown this once.' })
  @ApiJsonBody({ type: CreateAccountDto, examples: { account: { summary: 'An account for alice', value: { name: 'alice' } } } })
  @ApiResponse({ status: 201, description: '`{account: {id, name, createdAt}, token, tokenId}`: keep the token, it is not shown again.' })
  @ApiBadInput()
  @ApiAdminOnly()
  create(@Body() body: CreateAccountDto): Promise<CreatedAccount> {
    return this.accounts.create(body.name);
  }

  @Post('accounts/:id/tokens')
  @ApiOperation({ summary: 'Issue another API token', description: 'By the admin, or by the account itself.' })
  @ApiJsonBody({ type: CreateTokenDto, required: false, examples: { labelled: { summary: 'A token for CI', value: { label: 'ci' } }, unlabelled: { summary: 'No label', value: {} } } })
  @ApiById('account')
  @ApiResponse({ status: 201, description: '`{id, token, label, createdAt}`: keep the token, it is not shown again.' })
  issue(@Param('id', uuidParam()) id: string, @Body() body: CreateTokenDto, @CurrentPrincipal() principal: Principal): Promise<IssuedToken> {
    return this.accounts.issueToken(id, principal, body?.label);
  }

  /** Revoked at once: the next request with the token is a 401. */
  @Delete('tokens/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API token', description: 'At once: the next request with it is a `401`.' })
  @ApiById('token')
  @ApiResponse({ status: 204, description: 'Revoked.' })
  revoke(@Param('id', uuidParam()) id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.tokens.revoke(id, principal);
  }
}
