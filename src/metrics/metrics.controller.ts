import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { prometheusContentType } from 'prom-client';
import { Probe } from '../access/index.js';
import { Metrics } from './metrics.service.js';
import { processMetrics } from './process-metrics.js';
import { ScrapeCollectors } from './scrape-collectors.js';

/** Prometheus scrapes without a token and is never rate limited, like health. */
@ApiTags('operations')
@Controller('metrics')
@Probe()
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    private readonly collectors: ScrapeCollectors,
  ) {}

  @Get()
  @Header('Content-Type', prometheusContentType)
  @ApiOperation({
    summary: 'Prometheus metrics: ticks, evaluations, triggers, deliveries, executions, orders by status, errors, stream lag, latencies',
  })
  @ApiProduces(prometheusContentType)
  @ApiOkResponse({ description: 'The Prometheus text exposition format; no token needed.', schema: { type: 'string' } })
  async scrape(): Promise<string> {
    await this.collectors.collect();
    const [own, processWide] = await Promise.all([this.metrics.registry.metrics(), processMetrics().metrics()]);
    // Each text ends with a newline: joined as they are, they form one exposition.
    return own + processWide;
  }
}
