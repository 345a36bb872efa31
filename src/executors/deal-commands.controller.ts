import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsBoolean, IsOptional } from 'class-validator';
import { DataSource } from 'typeorm';
import { CurrentAccount } from '../access/index.js';
import { DomainError, NotFoundError } from '../common/domain-error.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { ExecutorRegistry } from './bot-executor.port.js';

export class CloseDealDto {
  /** Reserved for options of the close; the body may be empty. */
  @IsOptional() @IsBoolean()
  confirm?: boolean;
}

/** Commands on a running deal, routed to the executor of its bot's type. */
@Controller('deals')
export class DealCommandsController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly executors: ExecutorRegistry,
  ) {}

  /** Closes the deal at market: orders canceled, the position sold (bought back for a short). */
  @Post(':id/close')
  @HttpCode(202)
  async close(@Param('id', uuidParam()) id: string, @Body() _body: CloseDealDto, @CurrentAccount() accountId: string): Promise<{ id: string; status: string }> {
    const executor = await this.executorOfOpenDeal(id, accountId);
    await executor.closeDeal!(id, 'manual');
    return { id, status: 'closing' };
  }

  /** Abandons the deal: its orders are canceled and the position is left as it is. */
  @Post(':id/cancel')
  @HttpCode(200)
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
