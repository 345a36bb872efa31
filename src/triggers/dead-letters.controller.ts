import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { EventBus, type DeadLetter } from '../event-bus/index.js';
import { ApiBadInput, ApiTokenAuth } from '../openapi/index.js';

export class DeadLettersQuery {
  @ApiPropertyOptional({ enum: ['trigger.fired'], default: 'trigger.fired', description: 'The topic whose dead letters to list.', example: 'trigger.fired' })
  @IsOptional() @IsIn(['trigger.fired'])
  topic: 'trigger.fired' = 'trigger.fired';

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, default: 100, description: 'At most this many, newest first.', example: 100 })
  @IsOptional() @Transform(({ value }) => (value === undefined ? undefined : Number(value))) @IsInt() @Min(1) @Max(1000)
  limit = 100;
}

/** Messages that failed BUS_MAX_DELIVERIES times, newest first, each with its last error. */
@Controller('dead-letters')
@ApiTags('operations')
@ApiTokenAuth()
export class DeadLettersController {
  constructor(private readonly bus: EventBus) {}

  @Get()
  @ApiOperation({ summary: 'List dead letters', description: 'Messages that failed `BUS_MAX_DELIVERIES` times, newest first, each with its last error.' })
  @ApiResponse({ status: 200, description: '`{items}`: the dead letters.' })
  @ApiBadInput()
  async list(@Query() query: DeadLettersQuery): Promise<{ items: DeadLetter[] }> {
    return { items: await this.bus.deadLetters(query.topic, query.limit) };
  }
}
