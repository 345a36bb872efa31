import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator, type HealthCheckResult } from '@nestjs/terminus';
import { Probe } from '../access/index.js';
import { AppConfig } from '../config/index.js';
import { EventBus } from '../event-bus/index.js';
import { EvaluatorScheduler } from '../evaluator/index.js';

const TIMEOUT_MS = 1500;

/**
 * 200 when everything answers, 503 naming what is degraded otherwise: the database, the event bus (with the
 * notifier's pending messages and lag), and the evaluator's last tick.
 */
@Controller('health')
@Probe()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly bus: EventBus,
    private readonly evaluator: EvaluatorScheduler,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: TIMEOUT_MS }),
      () => this.busCheck(),
      () => this.evaluatorCheck(),
    ]);
  }

  private async busCheck() {
    const session = this.indicators.check('eventBus');
    const kind = this.bus.durable ? 'redis' : 'in-process';
    try {
      const stats = await withTimeout(this.bus.stats('trigger.fired', 'notifier'), TIMEOUT_MS);
      return session.up({ kind, pending: stats.pending, lag: stats.lag });
    } catch (error) {
      return session.down({ kind, error: (error as Error).message });
    }
  }

  private evaluatorCheck() {
    const session = this.indicators.check('evaluator');
    if (!this.evaluator.enabled) return session.up({ cron: 'off' });
    const age = this.evaluator.lastTickAt === undefined ? null : Date.now() - this.evaluator.lastTickAt;
    const stale = age !== null && age > this.config.env.EVALUATOR_STALE_MS;
    return stale ? session.down({ lastTickAgeMs: age }) : session.up({ lastTickAgeMs: age });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);
}
