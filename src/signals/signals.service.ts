import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../clock/index.js';
import { deterministicUuid } from '../common/deterministic-id.js';
import { DomainError, NotFoundError } from '../common/domain-error.js';
import { TriggerRelay } from '../triggers/index.js';
import { ENTRY_ACTIONS, type SignalDto } from './dto/signal.dto.js';

const DEFAULT_MAX_LAG_S = 60;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export interface SignalOutcome {
  accepted: boolean;
  triggerId?: string;
  duplicate?: boolean;
  reason?: string;
}

/**
 * Signals from outside feed the same path as registry triggers: each enabled bot has two registry conditions of
 * kind `signal` (entry, exit) that the evaluator never computes; a signal is recorded as a trigger of one of them,
 * with an id derived from the signal's own id (or a hash of it), and relayed, routed and deduplicated like any other.
 */
@Injectable()
export class SignalsService {
  private readonly logger = new Logger(SignalsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly relay: TriggerRelay,
    private readonly clock: Clock,
  ) {}

  /** Turns signals on for a bot (or renews its secret): the secret is shown once, only its hash is kept. */
  async enable(botId: string, accountId: string, maxLag = DEFAULT_MAX_LAG_S): Promise<{ secret: string; maxLag: number; url: string }> {
    const secret = `sig_${randomBytes(24).toString('base64url')}`;
    await this.db.transaction(async (manager) => {
      const [bot] = await manager.query(`SELECT id, exchange, symbol FROM bots WHERE id = $1 AND account_id = $2 AND deleted_at IS NULL FOR UPDATE`, [botId, accountId]);
      if (!bot) throw new NotFoundError('bot', botId);
      await manager.query(`UPDATE bots SET signal_secret_hash = $2, signal_max_lag = $3 WHERE id = $1`, [botId, sha256(secret), Math.max(1, Math.round(maxLag))]);
      for (const action of ['entry', 'exit'] as const) {
        const [condition] = await manager.query(
          `INSERT INTO conditions (key, exchange, symbol, timeframe, definition, registered_at) VALUES ($1, $2, $3, 'signal', $4, now())
           ON CONFLICT (key) DO UPDATE SET key = EXCLUDED.key RETURNING id`,
          [`signal:${botId}:${action}`, bot.exchange, bot.symbol, { kind: 'signal', action, botId }],
        );
        await manager.query(`INSERT INTO subscriptions (bot_id, condition_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [botId, condition.id, `signal_${action}`]);
      }
    });
    this.logger.log({ botId }, 'signals enabled for bot');
    return { secret, maxLag, url: `/signals/${botId}` };
  }

  async receive(botId: string, signal: SignalDto, secretFromHeader: string | undefined): Promise<SignalOutcome> {
    const [bot] = await this.db.query(`SELECT signal_secret_hash, signal_max_lag FROM bots WHERE id = $1 AND deleted_at IS NULL`, [botId]);
    // An unknown bot and a wrong secret answer alike: nothing tells a caller which bots exist.
    if (!bot?.signal_secret_hash || !sameHash(sha256(signal.secret ?? secretFromHeader ?? ''), bot.signal_secret_hash)) {
      throw new DomainError('SIGNAL_REFUSED', 'unknown bot or wrong signal secret', 401);
    }
    const now = this.clock.now();
    const firedAt = signal.time === undefined ? now : typeof signal.time === 'number' ? signal.time : Date.parse(signal.time);
    const lagMs = now - firedAt;
    if (lagMs > bot.signal_max_lag * 1000) {
      this.logger.warn({ botId, lagMs }, 'signal dropped: older than maxLag');
      return { accepted: false, reason: `signal is ${Math.round(lagMs / 1000)} s old; this bot drops signals older than ${bot.signal_max_lag} s` };
    }
    const action = (ENTRY_ACTIONS as readonly string[]).includes(signal.action) ? 'entry' : 'exit';
    const { secret: _secret, ...content } = signal;
    const key = signal.id ?? sha256(JSON.stringify(content, Object.keys(content).sort()));
    const triggerId = deterministicUuid('signal', botId, key);
    const inserted: unknown[] = await this.db.query(
      `INSERT INTO triggers (id, condition_id, candle_open_time, candle_close_time, "values")
       SELECT $1, c.id, $3, $3, $4 FROM conditions c WHERE c.key = $2
       ON CONFLICT DO NOTHING RETURNING id`,
      [triggerId, `signal:${botId}:${action}`, new Date(firedAt), { close: signal.price ?? null, amount: signal.amount ?? null }],
    );
    if (inserted.length > 0) void this.relay.kick();
    this.logger.log({ botId, triggerId, action, duplicate: inserted.length === 0 }, 'signal received');
    return { accepted: true, triggerId, duplicate: inserted.length === 0 };
  }
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
