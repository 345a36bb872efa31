import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, MoreThan, type EntityManager } from 'typeorm';
import { DEFAULT_ACCOUNT_ID } from '../access/index.js';
import { Clock } from '../clock/index.js';
import { NotFoundError, ValidationFailed } from '../common/domain-error.js';
import { selectEntities } from '../common/entity-rows.js';
import { toPage, type Page } from '../common/pagination.js';
import { DEFAULT_PAPER_ACCOUNT_ID, ExchangeAccountsService } from '../exchange/index.js';
import { ExecutorRegistry } from '../executors/index.js';
import { crossFieldProblems, normalizeCondition, RegistryService, type ConditionDefinition, type SubscriptionRole } from '../registry/index.js';
import { BotEntity, type BotStatus } from './bot.entity.js';
import { BotPreviewService } from './bot-preview.service.js';
import { toBotView, type BotConditionRow, type BotView } from './bot.view.js';
import type { CreateBotDto } from './dto/create-bot.dto.js';

@Injectable()
export class BotsService {
  private readonly logger = new Logger(BotsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: RegistryService,
    private readonly clock: Clock,
    private readonly exchangeAccounts: ExchangeAccountsService,
    private readonly executors: ExecutorRegistry,
    private readonly preview: BotPreviewService,
  ) {}

  /**
   * Registers the bot's conditions (shared with any bot asking the same), then writes the bot and its subscriptions in
   * one statement (one round trip, committed alone). Registering first, in a statement of its own, never holds a shared
   * condition's row: an existing condition is only read. A condition registered for a bot that then fails to be
   * created stays without subscribers, which is never evaluated.
   */
  async create(dto: CreateBotDto, accountId: string): Promise<BotView> {
    const definitions = this.definitionsOf(dto);
    const exchangeAccountId = await this.tradingAccountOf(dto, accountId);
    await this.preview.assertValid(dto, exchangeAccountId);
    const registered = await this.registry.register(this.db.manager, definitions.map((d) => d.definition), this.clock.now());
    const [bot] = await selectEntities(this.db.manager, BotEntity, 'b', (columns) =>
      `WITH b AS (
         INSERT INTO bots (account_id, exchange_account_id, name, type, exchange, symbol, status, settings)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb) RETURNING *
       ), subscribed AS (
         INSERT INTO subscriptions (bot_id, condition_id, role)
         SELECT b.id, s.condition_id, s.role FROM b, unnest($9::uuid[], $10::text[]) AS s(condition_id, role) ON CONFLICT DO NOTHING
       )
       SELECT ${columns} FROM b`,
      [
        accountId, exchangeAccountId, dto.name, dto.type, dto.exchange, dto.symbol.toUpperCase(), dto.start === false ? 'stopped' : 'running',
        JSON.stringify({ ...dto[dto.type] }), registered.map((c) => c.id), definitions.map((d) => d.role),
      ],
    );
    this.registry.subscribersChanged(registered.map((c) => c.id));
    this.logger.log({ botId: bot.id, type: bot.type, conditions: registered.map((c) => c.key) }, 'bot created');
    // Answered from what was written (the insert returns the generated columns): reading it back cost two round trips.
    return toBotView(bot, subscribedRows(registered, definitions));
  }

  /**
   * One page of the account's bots in id order (a keyset on the primary key: any page costs the same, and a list of
   * 100,000 bots is never held at once). Bots created while a client pages through may land on pages already read.
   */
  async list(accountId: string, limit: number, cursor?: string): Promise<Page<BotView>> {
    const bots = await this.db.getRepository(BotEntity).find({
      where: { accountId, deletedAt: IsNull(), ...(cursor ? { id: MoreThan(cursor) } : {}) },
      order: { id: 'ASC' },
      take: limit + 1,
    });
    const page = toPage(bots, limit, (bot) => bot.id);
    const conditions = await this.conditionsOf(this.db.manager, page.items.map((b) => b.id));
    return { ...page, items: page.items.map((bot) => toBotView(bot, conditions.get(bot.id) ?? [])) };
  }

  async get(id: string, accountId: string): Promise<BotView> {
    const bot = await this.find(id, accountId);
    const conditions = await this.conditionsOf(this.db.manager, [id]);
    return toBotView(bot, conditions.get(id) ?? []);
  }

  async setStatus(id: string, status: BotStatus, accountId: string): Promise<BotView> {
    await this.find(id, accountId);
    await this.db.getRepository(BotEntity).update(id, { status });
    this.logger.log({ botId: id, status }, `bot ${status === 'running' ? 'started' : 'stopped'}`);
    return this.get(id, accountId);
  }

  /** Deleting stops the bot and drops its subscriptions; its deals and orders stay on record. */
  async delete(id: string, accountId: string): Promise<void> {
    await this.find(id, accountId);
    await this.db.transaction(async (manager) => {
      await manager.update(BotEntity, id, { status: 'stopped', deletedAt: new Date() });
      await this.registry.unsubscribe(manager, id);
    });
    this.logger.log({ botId: id }, 'bot deleted');
  }

  /** The account's bot: another account's is not found, exactly like an unknown id. */
  async find(id: string, accountId: string): Promise<BotEntity> {
    const bot = await this.db.getRepository(BotEntity).findOne({ where: { id, accountId, deletedAt: IsNull() } });
    if (!bot) throw new NotFoundError('bot', id);
    return bot;
  }

  /** The account's exchange account the bot trades through: the one named, or (default account only) the default paper account for `paper`. */
  private async tradingAccountOf(dto: CreateBotDto, accountId: string): Promise<string> {
    if (!dto.exchangeAccountId) {
      if (dto.exchange === 'paper' && accountId === DEFAULT_ACCOUNT_ID) return DEFAULT_PAPER_ACCOUNT_ID;
      throw new ValidationFailed([{ field: 'exchangeAccountId', message: `is required to trade on ${dto.exchange}: create an exchange account first` }]);
    }
    const account = await this.exchangeAccounts.find(dto.exchangeAccountId, accountId).catch(() => undefined);
    if (!account) throw new ValidationFailed([{ field: 'exchangeAccountId', message: `no exchange account ${dto.exchangeAccountId}` }]);
    if (account.exchange !== dto.exchange) {
      throw new ValidationFailed([{ field: 'exchange', message: `must be "${account.exchange}", the exchange of account ${account.id}` }]);
    }
    return account.id;
  }

  /** The entry conditions, and those the bot's type adds (a trend's exits, a grid's range edges), normalised. */
  private definitionsOf(dto: CreateBotDto): { definition: ConditionDefinition; role: SubscriptionRole }[] {
    const market = { exchange: dto.exchange, symbol: dto.symbol };
    const wanted = [
      ...(dto.conditions ?? []).map((condition, i) => ({ condition, role: 'entry' as SubscriptionRole, field: `conditions.${i}` })),
      ...(this.executors.forType(dto.type).extraSubscriptions?.({ ...dto[dto.type] }) ?? []),
    ];
    const definitions = wanted.map((w) => ({ definition: normalizeCondition(w.condition, market, w.field), role: w.role, field: w.field }));
    const problems = definitions.flatMap((d) => crossFieldProblems(d.definition, d.field));
    if (problems.length > 0) throw new ValidationFailed(problems);
    return definitions;
  }

  private async conditionsOf(manager: EntityManager, botIds: string[]): Promise<Map<string, BotConditionRow[]>> {
    // Byte order ("C"), the order subscribedRows gives a new bot's conditions in memory.
    const rows: (BotConditionRow & { bot_id: string })[] = await manager.query(
      `SELECT s.bot_id, c.id, c.key, s.role, c.definition, s.last_triggered_at
       FROM subscriptions s JOIN conditions c ON c.id = s.condition_id WHERE s.bot_id = ANY($1::uuid[]) ORDER BY s.created_at, c.key COLLATE "C"`,
      [botIds],
    );
    const byBot = new Map<string, BotConditionRow[]>();
    for (const row of rows) byBot.set(row.bot_id, [...(byBot.get(row.bot_id) ?? []), row]);
    return byBot;
  }
}

/**
 * A new bot's subscriptions as conditionsOf reads them back: one per (condition, role), by key (they share their
 * created_at). A condition registered before has the same canonical key, hence the same definition.
 */
function subscribedRows(registered: { id: string; key: string }[], definitions: { definition: ConditionDefinition; role: SubscriptionRole }[]): BotConditionRow[] {
  const rows = new Map<string, BotConditionRow>();
  registered.forEach(({ id, key }, i) => {
    const { definition, role } = definitions[i];
    rows.set(`${id}|${role}`, { id, key, role, definition, last_triggered_at: null });
  });
  return [...rows.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
