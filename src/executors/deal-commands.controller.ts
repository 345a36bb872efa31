import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsBoolean, IsOptional } from 'class-validator';
import { DataSource } from 'typeorm';
import { CurrentAccount } from '../access/index.js';
import { DomainError, NotFoundError } from '../common/domain-error.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { ApiById, ApiConflict, ApiJsonBody, ApiTokenAuth } from '../openapi/index.js';
import { ExecutorRegistry } from './bot-executor.port.js';

export class CloseDealDto {
  /** Reserved for options of the close; the body may be empty. */
  @ApiPropertyOptional({ type: Boolean, description: 'Reserved for options of the close; the body may be empty.', example: true })
  @IsOptional() @IsBoolean()
  confirm?: boolean;
}

/** Commands on a running deal, routed to the executor of its bot's type. */
@Controller('deals')
@ApiTags('deals')
@ApiTokenAuth()
export class DealCommandsController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly executors: ExecutorRegistry,
  ) {}

  /** Closes the deal at market: orders canceled, the position sold (bought back for a short). */
  @Post(':id/close')
  @HttpCode(202)
  @ApiOperation({ summary: 'Close a deal at market', description: 'Its orders are canceled and the position sold (bought back for a short).' })
  @ApiJsonBody({ type: CloseDealDto, required: false, examples: { close: { summary: 'Close at market', value: {} } } })
  @ApiById('deal')
  @ApiResponse({ status: 202, description: '`{id, status: "closing"}`: the closing order is on its way.' })
  @ApiConflict('The deal is not open, or its bot type cannot close deals by hand.', 'DEAL_NOT_OPEN', 'deal 0b6f5c1e-8f5a-4b7e-9a53-5f2d8a0c1e77 is closed: only an open deal can be closed or canceled')
  async close(@Param('id', uuidParam()) id: string, @Body() _body: CloseDealDto, @CurrentAccount() accountId: string): Promise<{ id: string; status: string }> {
    const executor = await this.executorOfOpenDeal(id, accountId);
    await executor.closeDeal!(id, 'manual');
    return { id, status: 'closing' };
  }

  /** Abandons the deal: its orders are canceled and the position is left as it is. */
  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a deal', description: 'Stops managing it: its orders are canceled and the position is left as it is.' })
  @ApiById('deal')
  @ApiResponse({ status: 200, description: '`{id, status: "canceled"}`.' })
  @ApiConflict('The deal is not open, or its bot type cannot cancel deals by hand.', 'DEAL_NOT_OPEN', 'deal 0b6f5c1e-8f5a-4b7e-9a53-5f2d8a0c1e77 is closed: only an open deal can be closed or canceled')
  async cancel(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<{ id: string; status: string }> {
    const executor = await this.executorOfOpenDeal(id, accountId);
    await executor.cancelDeal!(id, 'manual_cancel');
    return { id, status: 'canceled' };
  }

  /** The account's open deal (another account's is not found), and the executor of its bot's type. */
  private async executorOfOpenDeal(id: string, accountId: string) {
    const [row] = await this.db.query(`SELECT d.status, b.type FROM deals d JOIN bots b ON b.id = d.bot_id WHERE d.id = $1 AND b.account_id = $2`, [id, accountId]);
    if (!row) throw new NotFoundError('deal', id);
    if (row.status !== 'open') throw new DomainError('DEAL_NOT_OPEN', `deal ${id} is ${row.status}: only an open deal can be closed or canceled`, 409);
    const executor = this.executors.forType(row.type);
    if (!executor.closeDeal || !executor.cancelDeal) throw new DomainError('NOT_SUPPORTED', `${row.type} deals cannot be closed by hand`, 409);
    return executor;
  }
}
