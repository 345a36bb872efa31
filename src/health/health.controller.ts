import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator, type HealthCheckResult } from '@nestjs/terminus';
import { Probe } from '../access/index.js';
import { withTimeout } from '../common/with-timeout.js';
import { AppConfig } from '../config/index.js';
import { EventBus } from '../event-bus/index.js';
import { EvaluatorScheduler } from '../evaluator/index.js';

const TIMEOUT_MS = 1500;

/**
 * 200 when everything answers, 503 naming what is degraded otherwise: the database, the event bus (with the
 * notifier's pending messages and lag), and the evaluator's last tick.
 */
@ApiTags('operations')
@Controller('health')
@Probe()
export class HealthController {
  /** An evaluator that has not completed a tick since the app started is stale once the start is that old. */
  private readonly startedAt = Date.now();

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
  @ApiOperation({ summary: 'Database, event bus (Redis round trip, pending messages, lag) and the evaluator\'s last tick; 503 naming what is degraded' })
  @ApiResponse({ status: 200, description: 'Everything answers.' })
  @ApiResponse({ status: 503, description: 'Degraded: the answer names what is down.' })
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: TIMEOUT_MS }),
      () => this.busCheck(),
      () => this.evaluatorCheck(),
    ]);
  }

  /** On Redis, reading the group's stats is a round trip to the server: it doubles as the Redis ping. */
  private async busCheck() {
    const session = this.indicators.check('eventBus');
    const kind = this.bus.durable ? 'redis' : 'in-process';
    const started = performance.now();
    try {
      const stats = await withTimeout(this.bus.stats('trigger.fired', 'notifier'), TIMEOUT_MS);
      return session.up({ kind, responseTime: Math.round(performance.now() - started), pending: stats.pending, lag: stats.lag });
    } catch (error) {
      return session.down({ kind, error: (error as Error).message });
    }
  }

  private evaluatorCheck() {
    const session = this.indicators.check('evaluator');
    if (!this.evaluator.enabled) return session.up({ cron: 'off' });
    const now = Date.now();
    const lastTickAgeMs = this.evaluator.lastTickAt === undefined ? null : now - this.evaluator.lastTickAt;
    const stale = now - (this.evaluator.lastTickAt ?? this.startedAt) > this.config.env.EVALUATOR_STALE_MS;
    return stale ? session.down({ lastTickAgeMs, staleAfterMs: this.config.env.EVALUATOR_STALE_MS }) : session.up({ lastTickAgeMs });
  }
}
