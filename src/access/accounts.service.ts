import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../common/domain-error.js';
import { ApiTokensService, type IssuedToken } from './api-tokens.service.js';
import type { Principal } from './principal.js';

export interface AccountView {
  id: string;
  name: string;
  createdAt: string;
}

/** `POST /accounts`: the account, and its first token in clear (shown this once). */
export interface CreatedAccount {
  account: AccountView;
  token: string;
  tokenId: string;
}

/** Accounts own bots and exchange accounts; each reaches the API through its tokens. */
@Injectable()
export class AccountsService {
  private readonly logger = new Logger(AccountsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tokens: ApiTokensService,
  ) {}

  async create(name: string): Promise<CreatedAccount> {
    const created = await this.db.transaction(async (manager) => {
      const [row] = await manager.query(`INSERT INTO accounts (name) VALUES ($1) RETURNING id, name, created_at`, [name]);
      const token = await this.tokens.issue(manager, row.id, 'first token');
      return { account: { id: row.id, name: row.name, createdAt: row.created_at.toISOString() }, token: token.token, tokenId: token.id };
    });
    this.logger.log({ accountId: created.account.id }, 'account created');
    return created;
  }

  /** Another token for the account: by the admin, or by the account itself (another account's is a 404). */
  async issueToken(accountId: string, by: Principal, label = ''): Promise<IssuedToken> {
    const allowed = by.admin || by.accountId === accountId;
    const [account] = allowed ? await this.db.query(`SELECT id FROM accounts WHERE id = $1`, [accountId]) : [];
    if (!account) throw new NotFoundError('account', accountId);
    return this.tokens.issue(this.db.manager, accountId, label);
  }
}
