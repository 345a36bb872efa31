import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { withTimeout } from '../common/with-timeout.js';
import { EventBus, type Topic } from '../event-bus/index.js';
import type { OrderStatus } from '../trading/index.js';
import { Metrics } from './metrics.service.js';

/** A scrape answers within this even when Postgres or Redis hangs; the late collector's gauges are left out. */
export const COLLECT_TIMEOUT_MS = 1000;
const ORDER_STATUSES: OrderStatus[] = ['pending', 'open', 'partially_filled', 'filled', 'canceled', 'rejected'];
const STREAMS: { topic: Topic; group: string }[] = [{ topic: 'trigger.fired', group: 'notifier' }];

/** Reads what a gauge sets; applying it is separate, so that an answer arriving after the timeout changes nothing. */
type Collector = () => Promise<() => void>;

/** Gauges read at scrape time from Postgres and the bus, each collector bounded in time and failing alone. */
@Injectable()
export class ScrapeCollectors {
  private readonly logger = new Logger(ScrapeCollectors.name);
  private readonly failing = new Set<string>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly bus: EventBus,
    private readonly metrics: Metrics,
  ) {}

  async collect(): Promise<void> {
    await Promise.all([
      this.run('orders', () => this.orders(), [this.metrics.orders]),
      this.run('event_bus', () => this.streams(), [this.metrics.busPending, this.metrics.busLag]),
    ]);
  }

  private async run(name: string, collector: Collector, gauges: { reset(): void }[]): Promise<void> {
    try {
      const apply = await withTimeout(collector(), COLLECT_TIMEOUT_MS);
      apply();
      this.metrics.collectorUp.set({ collector: name }, 1);
      if (this.failing.delete(name)) this.logger.log({ collector: name }, 'metrics collector answers again');
    } catch (error) {
      // Absent rather than stale: a gauge nobody could read is not reported at an old value.
      for (const gauge of gauges) gauge.reset();
      this.metrics.collectorUp.set({ collector: name }, 0);
      const reason = error instanceof Error ? error.message : String(error);
      if (!this.failing.has(name)) this.logger.warn({ collector: name, reason }, 'metrics collector failed; its gauges are left out until it answers');
      this.failing.add(name);
    }
  }

  /** One GROUP BY over the orders; the statement timeout also stops the query in Postgres, not only the wait. */
  private async orders(): Promise<() => void> {
    const rows: { status: OrderStatus; n: number }[] = await this.db.transaction(async (manager) => {
      await manager.query(`SET LOCAL statement_timeout = ${COLLECT_TIMEOUT_MS}`);
      return manager.query(`SELECT status, count(*)::int AS n FROM orders GROUP BY status`);
    });
    return () => {
      for (const status of ORDER_STATUSES) this.metrics.orders.set({ status }, 0);
      for (const { status, n } of rows) this.metrics.orders.set({ status }, n);
    };
  }

  private async streams(): Promise<() => void> {
    const stats = await Promise.all(STREAMS.map(async (stream) => ({ ...stream, ...(await this.bus.stats(stream.topic, stream.group)) })));
    return () => {
      for (const { topic, group, pending, lag } of stats) {
        this.metrics.busPending.set({ topic, group }, pending);
        this.metrics.busLag.set({ topic, group }, lag);
      }
    };
  }
}
