import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { SingleFlight } from '../common/single-flight.js';
import { AppConfig } from '../config/index.js';
import { OrderPlacer } from '../trading/index.js';
import { ExecutorRegistry } from './bot-executor.port.js';

const JOB = 'executors';

/** Gives every executor its tick on the evaluator's cadence (deals' orders, exits on closed candles); never two at once. */
@Injectable()
export class ExecutorTicker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExecutorTicker.name);
  private readonly pass = new SingleFlight();

  constructor(
    private readonly executors: ExecutorRegistry,
    private readonly placer: OrderPlacer,
    private readonly config: AppConfig,
    private readonly schedule: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.env.EVALUATOR_CRON === 'off') return;
    this.schedule.addCronJob(JOB, CronJob.from({ cronTime: this.config.env.EVALUATOR_CRON, onTick: () => this.tick(), start: true, utcOffset: 0 }));
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.schedule.doesExist('cron', JOB)) await this.schedule.getCronJob(JOB).stop();
    await this.pass.idle();
  }

  tick(): Promise<void> {
    return this.pass.run(() => this.tickAll());
  }

  /** Resolves once no executor reaction and no order send is in flight: what a test waits for after a tick. */
  async settle(): Promise<void> {
    for (let round = 0; round < 20; round++) {
      await this.placer.idle();
      await Promise.all(this.executors.all.map((executor) => executor.idle?.()));
      await this.placer.idle();
      if (await this.quiet()) return;
    }
  }

  private async quiet(): Promise<boolean> {
    const before = this.placer.idle();
    await Promise.all(this.executors.all.map((executor) => executor.idle?.()));
    return before === this.placer.idle();
  }

  private async tickAll(): Promise<void> {
    for (const executor of this.executors.all) {
      try {
        await executor.onTick?.();
      } catch (error) {
        this.logger.error({ err: error, type: executor.type }, 'executor tick failed; retried on the next tick');
      }
    }
  }
}
