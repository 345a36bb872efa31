import type { EntityManager } from 'typeorm';
import { OrderRejected } from '../exchange.port.js';
import { updateReturning } from './paper-order-store.js';

/** A number sent to Postgres `numeric`: a JS number, or a numeric string Postgres gave back (kept exact). */
export type Amount = number | string;

/**
 * Balance moves of one paper account inside the caller's transaction. `lock` must come first: it takes the balance
 * rows FOR UPDATE, always in asset order, so two transactions on one account queue instead of both spending the
 * same funds (and never deadlock on each other). Debits are conditional (`free >= x`) and throw
 * `insufficient_funds`; the CHECK constraints on the table are the last line of defence.
 */
export class PaperLedger {
  constructor(
    private readonly manager: EntityManager,
    private readonly accountId: string,
  ) {}

  async lock(assets: string[]): Promise<void> {
    const sorted = [...new Set(assets)].sort();
    await this.manager.query(
      `INSERT INTO paper_balances (exchange_account_id, asset, free)
       SELECT $1, a, 0 FROM unnest($2::text[]) AS a ORDER BY a ON CONFLICT DO NOTHING`,
      [this.accountId, sorted],
    );
    await this.manager.query(
      `SELECT asset FROM paper_balances WHERE exchange_account_id = $1 AND asset = ANY($2::text[]) ORDER BY asset FOR UPDATE`,
      [this.accountId, sorted],
    );
  }

  /** Spends free funds at once (a fill on arrival). */
  async debit(asset: string, amount: Amount, what: string): Promise<void> {
    await this.move(asset, `free = free - $3`, `free >= $3`, amount, what);
  }

  /** Moves free funds to used, where they stay until the order fills or is canceled. */
  async reserve(asset: string, amount: Amount, what: string): Promise<void> {
    await this.move(asset, `free = free - $3, used = used + $3`, `free >= $3`, amount, what);
  }

  /** Spends reserved funds (a resting order's fill). */
  async spendReserved(asset: string, amount: Amount): Promise<void> {
    await this.move(asset, `used = used - $3`, `used >= $3`, amount, null);
  }

  /** Gives reserved funds back (cancel, or what a completed order did not need). */
  async release(asset: string, amount: Amount): Promise<void> {
    await this.move(asset, `used = used - $3, free = free + $3`, `used >= $3`, amount, null);
  }

  async credit(asset: string, amount: Amount): Promise<void> {
    await this.move(asset, `free = free + $3`, `$3::numeric >= 0`, amount, null);
  }

  /** `what` names the order for an insufficient-funds answer; null marks a move that can only fail through a bug. */
  private async move(asset: string, set: string, guard: string, amount: Amount, what: string | null): Promise<void> {
    if (Number(amount) === 0) return;
    const rows = await updateReturning<{ free: string }>(
      this.manager,
      `UPDATE paper_balances SET ${set} WHERE exchange_account_id = $1 AND asset = $2 AND ${guard} RETURNING free`,
      [this.accountId, asset, amount],
    );
    if (rows.length > 0) return;
    if (what === null) throw new Error(`paper ledger invariant broken: cannot apply "${set}" with ${amount} ${asset} (account ${this.accountId})`);
    const [row]: { free: string; used: string }[] = await this.manager.query(
      `SELECT free, used FROM paper_balances WHERE exchange_account_id = $1 AND asset = $2`,
      [this.accountId, asset],
    );
    throw new OrderRejected(
      'insufficient_funds',
      `insufficient ${asset}: ${what} needs ${amount} ${asset}, ${row?.free ?? 0} free (${row?.used ?? 0} reserved by open orders)`,
    );
  }
}
