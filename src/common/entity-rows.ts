import type { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral, ValueTransformer } from 'typeorm';

/**
 * Column types whose value as `pg` parses it is already the value TypeORM hydrates: nothing to convert but the
 * column's own transformer.
 */
const PLAIN_TYPES = new Set<unknown>(['uuid', 'text', 'integer', 'numeric', 'jsonb', 'timestamptz']);

interface EntityReader<T> {
  /** The select list for a table alias, each column named after its property. */
  columns(alias: string): string;
  build(row: Record<string, unknown>): T;
}

const readers = new WeakMap<EntityMetadata, EntityReader<any>>();

function readerOf<T>(metadata: EntityMetadata): EntityReader<T> {
  const known = readers.get(metadata);
  if (known) return known;
  if (metadata.relations.length > 0 || metadata.embeddeds.length > 0) throw new Error(`${metadata.name}: entities with relations or embedded columns are not read as rows`);
  const columns = metadata.columns.map((column) => {
    if (!PLAIN_TYPES.has(column.type) || Array.isArray(column.transformer)) throw new Error(`${metadata.name}.${column.propertyName}: column type ${String(column.type)} is not read as rows`);
    return { database: column.databaseName, property: column.propertyName, transformer: column.transformer as ValueTransformer | undefined };
  });
  const Target = metadata.target as new () => T;
  const reader: EntityReader<T> = {
    columns: (alias) => columns.map((c) => `${alias}."${c.database}" AS "${c.property}"`).join(', '),
    build: (row) => {
      const entity = new Target() as Record<string, unknown>;
      for (const { property, transformer } of columns) entity[property] = transformer ? transformer.from(row[property]) : row[property];
      return entity as T;
    },
  };
  readers.set(metadata, reader);
  return reader;
}

/**
 * Entities read with plain SQL, built as `find` / `getMany` build them (same class, same values), without TypeORM's
 * generic hydration: the batch paths of routing and placement read a thousand orders or deals at a time, and the query
 * builder's per-value mapping was most of Node's time there. `sql` gets the select list for `alias`.
 */
export async function selectEntities<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  alias: string,
  sql: (columns: string) => string,
  params: unknown[],
): Promise<T[]> {
  const reader = readerOf<T>(manager.connection.getMetadata(target));
  const rows: Record<string, unknown>[] = await manager.query(sql(reader.columns(alias)), params);
  return rows.map(reader.build);
}
