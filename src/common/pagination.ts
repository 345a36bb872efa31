import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

/** `?limit=&cursor=` on list routes; lists answer `{ items, nextCursor }`. */
export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, default: 100, description: 'Items per page.', example: 100 })
  @IsOptional() @Transform(({ value }) => (value === undefined ? undefined : Number(value))) @IsInt() @Min(1) @Max(1000)
  limit = 100;

  @ApiPropertyOptional({ type: String, maxLength: 200, description: 'The `nextCursor` of the previous page.' })
  @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;
}

/** Lists ordered by a UUID key: the cursor is the last item's id. */
export class UuidPageQuery extends PageQuery {
  @ApiPropertyOptional({ type: String, format: 'uuid', description: 'The `nextCursor` of the previous page.', example: '0b6f5c1e-8f5a-4b7e-9a53-5f2d8a0c1e77' })
  @IsOptional() @IsUUID(undefined, { message: 'cursor must be the nextCursor of a previous page' })
  declare cursor?: string;
}

/** Lists ordered by a sequence number: the cursor is the last item's number. */
export class SeqPageQuery extends PageQuery {
  @ApiPropertyOptional({ type: String, pattern: '^\\d{1,18}$', description: 'The `nextCursor` of the previous page.', example: '1042' })
  @IsOptional() @Matches(/^\d{1,18}$/, { message: 'cursor must be the nextCursor of a previous page' })
  declare cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Given limit+1 rows, the page of `limit` and the cursor of the next page (the last row's sort key). */
export function toPage<T>(rows: T[], limit: number, cursorOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? cursorOf(items[items.length - 1]) : null };
}
