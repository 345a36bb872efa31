import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { OrderEntity } from './order.entity.js';
import { toOrderView, type OrderView } from './order.view.js';

@Injectable()
export class OrdersService {
  constructor(@InjectRepository(OrderEntity) private readonly orders: Repository<OrderEntity>) {}

  listForBot(botId: string, limit: number, after?: string): Promise<{ items: OrderView[]; nextCursor: string | null }> {
    return this.list('o.bot_id = :id', botId, limit, after);
  }

  listForExchangeAccount(exchangeAccountId: string, limit: number, after?: string): Promise<{ items: OrderView[]; nextCursor: string | null }> {
    return this.list('o.exchange_account_id = :id', exchangeAccountId, limit, after);
  }

  private async list(filter: string, id: string, limit: number, after?: string): Promise<{ items: OrderView[]; nextCursor: string | null }> {
    const builder = this.orders.createQueryBuilder('o').where(filter, { id }).orderBy('o.created_at').addOrderBy('o.id').limit(limit + 1);
    if (after) builder.andWhere('(o.created_at, o.id) > (SELECT created_at, id FROM orders WHERE id = :after)', { after });
    const rows = await builder.getMany();
    const items = rows.slice(0, limit).map(toOrderView);
    return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
  }
}
