import type { BotStatsView } from '../trading/index.js';
import { downsample, maxDrawdown, round12, type EquityPoint } from './equity.js';
import type { DealRecord, TradeRecord } from './report-data.js';

/** Most points the report and the chart keep of the equity curve (the metrics use every step). */
export const CHART_POINTS = 4000;

export interface BacktestReport {
  kind: 'backtest';
  version: 1;
  bot: { id: string; name: string; type: string; symbol: string; conditions: { key: string; role: string }[]; definition: unknown };
  market: { symbol: string; base: string; quote: string; csv: string; timeframe: string; symbolAssumed: boolean };
  range: { from: string; to: string; step: string; steps: number };
  paper: { balances: Record<string, number>; takerFee: number; makerFee: number; slippage: number; volumeShare: number };
  summary: BacktestSummary;
  deals: DealRecord[];
  trades: TradeRecord[];
  /** `points` are [market time in epoch ms, equity in quote]; at most CHART_POINTS of the `steps` + 1 marks taken. */
  equity: { quote: string; initial: number; points: EquityPoint[]; marks: number };
}

export interface BacktestSummary {
  initialEquity: number;
  finalEquity: number;
  /** Realized plus the open deals' unrealized PnL at the last close: finalEquity − initialEquity. */
  totalPnl: number;
  totalPnlPercent: number;
  realizedPnl: number;
  unrealizedPnl: number;
  fees: number;
  deals: { total: number; open: number; closed: number; canceled: number };
  wins: number;
  losses: number;
  /** Percent of closed deals with a positive realized PnL; null before any deal closed. */
  winRate: number | null;
  averageDealSeconds: number | null;
  maxDrawdown: { amount: number; percent: number; peakAt: string | null; troughAt: string | null };
  trades: number;
}

export interface ReportInput {
  bot: BacktestReport['bot'];
  market: BacktestReport['market'];
  range: BacktestReport['range'];
  paper: BacktestReport['paper'];
  /** The bot's results as `GET /bots/:id/stats` gives them at the end of the replay. */
  stats: BotStatsView;
  deals: DealRecord[];
  trades: TradeRecord[];
  initialEquity: number;
  /** One mark before the first step and one after each step. */
  equity: EquityPoint[];
}

export function buildReport(input: ReportInput): BacktestReport {
  const { stats, equity, initialEquity } = input;
  const finalEquity = equity.at(-1)?.[1] ?? initialEquity;
  const drawdown = maxDrawdown(equity);
  // From the deals themselves rather than from the rounded marks: equal to finalEquity − initialEquity within 1e-8.
  const totalPnl = round12(stats.realizedPnl + stats.unrealizedPnl);
  const at = (time: number | null) => (time === null ? null : new Date(time).toISOString());
  return {
    kind: 'backtest',
    version: 1,
    bot: input.bot,
    market: input.market,
    range: input.range,
    paper: input.paper,
    summary: {
      initialEquity,
      finalEquity,
      totalPnl,
      totalPnlPercent: initialEquity > 0 ? round12((100 * totalPnl) / initialEquity) : 0,
      realizedPnl: stats.realizedPnl,
      unrealizedPnl: stats.unrealizedPnl,
      fees: stats.fees,
      deals: stats.deals,
      wins: stats.wins,
      losses: stats.losses,
      winRate: stats.winRate,
      averageDealSeconds: stats.durationSeconds.average,
      maxDrawdown: { amount: round12(drawdown.amount), percent: round12(drawdown.percent), peakAt: at(drawdown.peakAt), troughAt: at(drawdown.troughAt) },
      trades: input.trades.length,
    },
    deals: input.deals,
    trades: input.trades,
    equity: { quote: input.market.quote, initial: initialEquity, points: downsample(equity, CHART_POINTS), marks: equity.length },
  };
}
