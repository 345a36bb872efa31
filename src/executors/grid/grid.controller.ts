import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentAccount } from '../../access/index.js';
import { uuidParam } from '../../common/uuid.pipe.js';
import { ApiById, ApiTokenAuth } from '../../openapi/index.js';
import { GridQueriesService } from './grid-queries.service.js';
import type { GridView } from './grid.view.js';

/** A grid bot's grid: its lines with their orders, its round trips and the profit they realized. */
@Controller('bots')
@ApiTags('bots')
@ApiTokenAuth()
export class GridController {
  constructor(private readonly queries: GridQueriesService) {}

  @Get(':id/grid')
  @ApiOperation({ summary: 'Get a grid bot\'s grid', description: 'Its lines with their orders, its round trips and the profit they realized.' })
  @ApiById('bot')
  @ApiResponse({ status: 200, description: 'The grid.' })
  grid(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<GridView> {
    return this.queries.forBot(id, accountId);
  }
}
