import { Controller, Get, Query } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { EventBus, type DeadLetter } from '../event-bus/index.js';

export class DeadLettersQuery {
  @IsOptional() @IsIn(['trigger.fired'])
  topic: 'trigger.fired' = 'trigger.fired';

  @IsOptional() @Transform(({ value }) => (value === undefined ? undefined : Number(value))) @IsInt() @Min(1) @Max(1000)
  limit = 100;
}

/** Messages that failed BUS_MAX_DELIVERIES times, newest first, each with its last error. */
@Controller('dead-letters')
export class DeadLettersController {
  constructor(private readonly bus: EventBus) {}

  @Get()
  async list(@Query() query: DeadLettersQuery): Promise<{ items: DeadLetter[] }> {
    return { items: await this.bus.deadLetters(query.topic, query.limit) };
  }
}
