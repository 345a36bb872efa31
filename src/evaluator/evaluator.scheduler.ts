import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { SingleFlight } from '../common/single-flight.js';
import { AppConfig } from '../config/index.js';
import { EvaluationService } from './evaluation.service.js';

const JOB = 'evaluator';

/** Thin cron wrapper: runs a tick on EVALUATOR_CRON, never two at once, and stops cleanly on shutdown. */
@Injectable()
export class EvaluatorScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EvaluatorScheduler.name);
  private readonly pass = new SingleFlight();
  /** Wall time of the last tick that completed, for health: an evaluator that stopped ticking is degraded. */
  lastTickAt?: number;

  constructor(
    private readonly config: AppConfig,
    private readonly schedule: SchedulerRegistry,
    private readonly evaluation: EvaluationService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.env.EVALUATOR_CRON === 'off') {
      this.logger.log('evaluator cron is off (EVALUATOR_CRON=off): ticks run only when asked');
      return;
    }
    const job = CronJob.from({ cronTime: this.config.env.EVALUATOR_CRON, onTick: () => this.runOnce(), start: true, utcOffset: 0 });
    this.schedule.addCronJob(JOB, job);
    this.logger.log(`evaluator scheduled on "${this.config.env.EVALUATOR_CRON}"`);
  }

  /** Runs one tick unless one is still running (a slow tick is not stacked on). */
  runOnce(): Promise<void> {
    return this.pass.run(() =>
      this.evaluation
        .tick()
        .then(() => void (this.lastTickAt = Date.now()))
        .catch((error: unknown) => this.logger.error({ err: error }, 'evaluator tick failed; it is retried on the next tick')),
    );
  }

  get enabled(): boolean {
    return this.config.env.EVALUATOR_CRON !== 'off';
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.schedule.doesExist('cron', JOB)) await this.schedule.getCronJob(JOB).stop();
    await this.pass.idle();
  }
}
