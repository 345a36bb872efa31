import type { BacktestReport } from './report.js';
import type { DealRecord } from './report-data.js';

/** Rows of trades shown on the page; trades.csv has them all. */
const TRADE_ROWS = 1000;

const escape = (value: unknown) =>
  String(value ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const money = (value: number | null) => (value === null ? '' : value.toLocaleString('en-US', { maximumFractionDigits: 2 }));
const duration = (seconds: number | null) => (seconds === null ? '' : `${Math.floor(seconds / 3600)}h ${Math.round((seconds % 3600) / 60)}m`);

/** One page to read the result: summary, the equity chart (the same SVG as equity.svg), the deals with their timelines, the trades. */
export function renderReportHtml(report: BacktestReport, svg: string): string {
  const { summary: s, equity } = report;
  const rows: [string, string][] = [
    ['market', `${report.market.symbol} (${report.market.timeframe} candles, ${report.market.csv})`],
    ['replayed', `${report.range.from} → ${report.range.to}, ${report.range.steps} steps of ${report.range.step}`],
    ['equity', `${money(s.initialEquity)} → ${money(s.finalEquity)} ${equity.quote}`],
    ['total PnL', `${money(s.totalPnl)} ${equity.quote} (${s.totalPnlPercent}%): realized ${money(s.realizedPnl)}, unrealized ${money(s.unrealizedPnl)}`],
    ['fees', `${money(s.fees)} ${equity.quote}`],
    ['deals', `${s.deals.total} (${s.deals.closed} closed, ${s.deals.open} open, ${s.deals.canceled} canceled), ${s.trades} fills`],
    ['win rate', s.winRate === null ? 'no closed deal' : `${s.winRate}% (${s.wins} won, ${s.losses} lost)`],
    ['max drawdown', `${money(s.maxDrawdown.amount)} ${equity.quote} (${s.maxDrawdown.percent}%)${s.maxDrawdown.peakAt ? `, ${s.maxDrawdown.peakAt} → ${s.maxDrawdown.troughAt}` : ''}`],
    ['average deal', duration(s.averageDealSeconds)],
  ];
  const trades = report.trades.slice(0, TRADE_ROWS);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Backtest: ${escape(report.bot.name)}</title>
<style>
  body { font-family: sans-serif; margin: 2em; color: #222; }
  table { border-collapse: collapse; margin: 1em 0; font-size: 13px; }
  th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
  td.n { text-align: right; font-variant-numeric: tabular-nums; }
  details { margin: 0; }
</style>
</head>
<body>
<h1>Backtest: ${escape(report.bot.name)} (${escape(report.bot.type)}, ${escape(report.bot.symbol)})</h1>
<p>${report.bot.conditions.map((c) => `<code>${escape(c.key)}</code> (${escape(c.role)})`).join('<br>')}</p>
<table>${rows.map(([name, value]) => `<tr><th>${escape(name)}</th><td>${escape(value)}</td></tr>`).join('')}</table>
${svg}
<h2>Deals</h2>
<table>
<tr><th>opened</th><th>closed</th><th>held</th><th>reason</th><th>entry</th><th>exit</th><th>amount</th><th>PnL</th><th>fees</th><th>timeline</th></tr>
${report.deals.map(dealRow).join('\n')}
</table>
<h2>Trades</h2>
${report.trades.length > TRADE_ROWS ? `<p>The first ${TRADE_ROWS} of ${report.trades.length}; trades.csv has them all.</p>` : ''}
<table>
<tr><th>time</th><th>leg</th><th>side</th><th>type</th><th>amount</th><th>price</th><th>fee</th></tr>
${trades.map((t) => `<tr><td>${escape(t.time)}</td><td>${escape(t.leg)}</td><td>${escape(t.side)}</td><td>${escape(t.type)}</td><td class="n">${t.amount}</td><td class="n">${t.price}</td><td class="n">${money(t.fee)}</td></tr>`).join('\n')}
</table>
</body>
</html>
`;
}

function dealRow(deal: DealRecord): string {
  const timeline = deal.timeline.map((e) => `<li>${escape(e.at)} ${escape(e.type)}${e.reason ? `: ${escape(e.reason)}` : ''}</li>`).join('');
  return `<tr><td>${escape(deal.openedAt)}</td><td>${escape(deal.closedAt ?? deal.status)}</td><td>${duration(deal.durationSeconds)}</td><td>${escape(deal.closeReason ?? '')}</td>`
    + `<td class="n">${deal.entryPrice ?? ''}</td><td class="n">${deal.exitPrice === null ? '' : money(deal.exitPrice)}</td><td class="n">${deal.entryAmount}</td>`
    + `<td class="n">${money(deal.realizedPnl)}</td><td class="n">${money(deal.fees)}</td><td><details><summary>${deal.timeline.length} events</summary><ul>${timeline}</ul></details></td></tr>`;
}
