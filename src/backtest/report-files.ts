import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderEquitySvg } from './equity-svg.js';
import type { BacktestReport } from './report.js';
import { dealsCsv, tradesCsv } from './report-csv.js';
import { renderReportHtml } from './report-html.js';

export interface ReportFiles {
  json: string;
  trades: string;
  deals: string;
  svg: string;
  html: string;
}

/** Writes the report's files into `dir` (created if needed), replacing those of an earlier run. */
export async function writeReport(dir: string, report: BacktestReport): Promise<ReportFiles> {
  await mkdir(dir, { recursive: true });
  const files: ReportFiles = {
    json: join(dir, 'report.json'),
    trades: join(dir, 'trades.csv'),
    deals: join(dir, 'deals.csv'),
    svg: join(dir, 'equity.svg'),
    html: join(dir, 'report.html'),
  };
  const svg = renderEquitySvg({
    title: `${report.bot.name}: equity, ${report.market.symbol} ${report.range.from.slice(0, 16)} → ${report.range.to.slice(0, 16)}`,
    quote: report.equity.quote,
    initial: report.equity.initial,
    points: report.equity.points,
  });
  await writeFile(files.json, `${prettyJson(report)}\n`);
  await writeFile(files.trades, tradesCsv(report.trades));
  await writeFile(files.deals, dealsCsv(report.deals));
  await writeFile(files.svg, svg);
  await writeFile(files.html, renderReportHtml(report, svg));
  return files;
}

/** Indented, but each [time, equity] pair on one line: thousands of them would otherwise take four lines each. */
function prettyJson(report: BacktestReport): string {
  return JSON.stringify(report, null, 2).replace(/\[\n\s+(-?[\d.e+-]+),\n\s+(-?[\d.e+-]+)\n\s+\]/g, '[$1, $2]');
}
