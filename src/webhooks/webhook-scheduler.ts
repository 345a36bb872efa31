import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { SingleFlight } from '../common/single-flight.js';
import { AppConfig } from '../config/index.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';

const JOB = 'webhooks';

/** Thin: every WEBHOOK_DISPATCH_INTERVAL_MS, one dispatch pass unless one is still running. Replicas share the rows safely. */
@Injectable()
export class WebhookScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookScheduler.name);
  private readonly pass = new SingleFlight();

  constructor(
    private readonly config: AppConfig,
    private readonly schedule: SchedulerRegistry,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.env.WEBHOOK_DISPATCH_INTERVAL_MS;
    if (every === 0) {
      this.logger.log('webhook dispatch is off (WEBHOOK_DISPATCH_INTERVAL_MS=0): deliveries wait');
      return;
    }
    this.schedule.addInterval(JOB, setInterval(() => void this.runOnce(), every));
  }

  runOnce(): Promise<void> {
    return this.pass.run(() =>
      this.dispatcher
        .dispatchDue()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn({ err: error }, 'webhook dispatch pass failed; retried on the next one')),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.schedule.doesExist('interval', JOB)) this.schedule.deleteInterval(JOB);
    await this.pass.idle();
  }
}
