import type { DealRecord, TradeRecord } from './report-data.js';

type Cell = string | number | null;

const TRADE_COLUMNS: [string, (t: TradeRecord) => Cell][] = [
  ['time', (t) => t.time], ['deal_id', (t) => t.dealId], ['leg', (t) => t.leg], ['leg_index', (t) => t.legIndex],
  ['side', (t) => t.side], ['type', (t) => t.type], ['liquidity', (t) => t.liquidity], ['amount', (t) => t.amount],
  ['price', (t) => t.price], ['value', (t) => t.value], ['fee', (t) => t.fee],
];

const DEAL_COLUMNS: [string, (d: DealRecord) => Cell][] = [
  ['deal_id', (d) => d.id], ['status', (d) => d.status], ['direction', (d) => d.direction], ['opened_at', (d) => d.openedAt],
  ['closed_at', (d) => d.closedAt], ['duration_s', (d) => d.durationSeconds], ['close_reason', (d) => d.closeReason],
  ['entry_price', (d) => d.entryPrice], ['exit_price', (d) => d.exitPrice], ['entry_amount', (d) => d.entryAmount],
  ['entry_value', (d) => d.entryValue], ['exit_amount', (d) => d.exitAmount], ['exit_value', (d) => d.exitValue],
  ['realized_pnl', (d) => d.realizedPnl], ['fees', (d) => d.fees], ['safety_orders_filled', (d) => d.safetyOrdersFilled],
];

/** Every fill, oldest first. */
export function tradesCsv(trades: TradeRecord[]): string {
  return toCsv(TRADE_COLUMNS, trades);
}

/** Every deal (round trip), oldest first. */
export function dealsCsv(deals: DealRecord[]): string {
  return toCsv(DEAL_COLUMNS, deals);
}

function toCsv<T>(columns: [string, (row: T) => Cell][], rows: T[]): string {
  const lines = [columns.map(([name]) => name).join(','), ...rows.map((row) => columns.map(([, cell]) => quote(cell(row))).join(','))];
  return `${lines.join('\n')}\n`;
}

/** RFC 4180: a cell with a comma, a quote or a line break is quoted, its quotes doubled. */
function quote(cell: Cell): string {
  if (cell === null) return '';
  const text = String(cell);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
