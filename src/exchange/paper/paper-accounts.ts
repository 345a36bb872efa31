import type { DataSource, EntityManager } from 'typeorm';

export const DEFAULT_PAPER_ACCOUNT_ID = '00000000-0000-4000-8000-0000000000a1';

/** Gives a paper account its starting balances the first time it is used (config: PAPER_BALANCES). */
export async function seedPaperBalances(db: DataSource | EntityManager, accountId: string, balances: Record<string, number>): Promise<void> {
  const assets = Object.keys(balances);
  await db.query(
    `INSERT INTO paper_balances (exchange_account_id, asset, free)
     SELECT $1, a.asset, a.free FROM unnest($2::text[], $3::numeric[]) AS a(asset, free)
     WHERE NOT EXISTS (SELECT 1 FROM paper_balances WHERE exchange_account_id = $1)`,
    [accountId, assets, assets.map((asset) => balances[asset])],
  );
}
