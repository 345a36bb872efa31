import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

/** `?limit=&cursor=` on list routes; lists answer `{ items, nextCursor }`. */
export class PageQuery {
  @IsOptional() @Transform(({ value }) => (value === undefined ? undefined : Number(value))) @IsInt() @Min(1) @Max(1000)
  limit = 100;

  @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;
}

/** Lists ordered by a UUID key: the cursor is the last item's id. */
export class UuidPageQuery extends PageQuery {
  @IsOptional() @IsUUID(undefined, { message: 'cursor must be the nextCursor of a previous page' })
  declare cursor?: string;
}

/** Lists ordered by a sequence number: the cursor is the last item's number. */
export class SeqPageQuery extends PageQuery {
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
