import { describe, expect, it } from 'vitest';
import { BotExecutor, ExecutorRegistry, UnknownBotTypeError, type ExecutionResult, type TriggerContext } from './bot-executor.port.js';
import { DcaExecutor } from './dca/dca.executor.js';
import type { DealsService } from '../trading/index.js';

class RecordingExecutor extends BotExecutor {
  readonly seen: string[] = [];
  constructor(readonly type: string) {
    super();
  }
  async onTrigger(context: TriggerContext): Promise<ExecutionResult> {
    this.seen.push(context.bot.id);
    return { outcome: 'executed', orderIds: [] };
  }
}

const trigger = { triggerId: 't1', conditionId: 'c1', conditionKey: 'k', candleOpenTime: 0, candleCloseTime: 900_000, values: { lhs: 25, rhs: 30, close: 101 } };
const bot = (type: string, settings: Record<string, unknown> = {}) =>
  ({ id: `bot-${type}`, accountId: 'a', exchangeAccountId: 'x', name: 'n', type, exchange: 'paper', symbol: 'BTC/USDT', settings });
const context = (type: string, settings?: Record<string, unknown>) => ({ manager: {} as never, bot: bot(type, settings), trigger, role: 'entry' as const });

describe('executor routing', () => {
  it('routes each bot to the executor of its type', async () => {
    const dca = new RecordingExecutor('dca');
    const grid = new RecordingExecutor('grid');
    const registry = new ExecutorRegistry([dca, grid]);
    await registry.forType('grid').onTrigger(context('grid'));
    await registry.forType('dca').onTrigger(context('dca'));
    expect(dca.seen).toEqual(['bot-dca']);
    expect(grid.seen).toEqual(['bot-grid']);
    expect(registry.types).toEqual(['dca', 'grid']);
  });

  it('refuses a type no executor handles, naming it', () => {
    expect(() => new ExecutorRegistry([]).forType('trend')).toThrow(UnknownBotTypeError);
    expect(() => new ExecutorRegistry([]).forType('trend')).toThrow('"trend"');
  });
});

describe('DCA executor', () => {
  function fakeDeals(open: { id: string }[]) {
    const opened: unknown[] = [];
    const deals = {
      openDeals: async () => open,
      openDeal: async (_manager: unknown, request: unknown) => {
        opened.push(request);
        return { deal: { id: 'd1' }, order: { id: 'o1' } };
      },
    } as unknown as DealsService;
    return { deals, opened };
  }

  it('opens a deal with a market base order sized in quote currency, decided at the trigger candle close', async () => {
    const { deals, opened } = fakeDeals([]);
    const result = await new DcaExecutor(deals, {} as never, {} as never, {} as never, {} as never, {} as never, {} as never).onTrigger(context('dca', { baseOrderSize: 100, orderType: 'market' }));
    expect(result).toEqual({ outcome: 'executed', orderIds: ['o1'] });
    expect(opened).toEqual([expect.objectContaining({ direction: 'long', triggerId: 't1', decidedAt: 900_000, baseOrder: expect.objectContaining({ type: 'market', quoteAmount: 100 }) })]);
  });

  it('skips with the reason when the bot already has an open deal', async () => {
    const { deals, opened } = fakeDeals([{ id: 'open-1' }]);
    const result = await new DcaExecutor(deals, {} as never, {} as never, {} as never, {} as never, {} as never, {} as never).onTrigger(context('dca', { baseOrderSize: 100 }));
    expect(result).toEqual({ outcome: 'skipped', reason: 'bot already has an open deal (open-1)', orderIds: [] });
    expect(opened).toEqual([]);
  });
});
