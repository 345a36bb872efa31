import type { DeadLetter } from './event-bus.port.js';
import type { Topic } from './events.js';

/** A stream entry as Redis returns it; `fields` is null when the entry was deleted while pending. */
export interface StreamEntry {
  id: string;
  fields: string[] | null;
}

type RawEntry = [id: string, fields: string[] | null];

/** XREADGROUP replies `[[stream, entries]]`, or null when the block timed out. */
export function entriesOfReadReply(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply) || reply.length === 0) return [];
  const [, entries] = reply[0] as [string, RawEntry[]];
  return entries.map(toEntry);
}

/** XAUTOCLAIM replies `[nextStart, entries, deletedIds]`; `nextStart` is `0-0` once the scan is complete. */
export function parseAutoClaimReply(reply: unknown): { next: string; entries: StreamEntry[] } {
  const [next, entries] = reply as [string, RawEntry[]];
  return { next, entries: entries.map(toEntry) };
}

export function streamEntries(entries: unknown): StreamEntry[] {
  return (entries as RawEntry[]).map(toEntry);
}

function toEntry([id, fields]: RawEntry): StreamEntry {
  return { id, fields };
}

export function fieldsToRecord(fields: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]] = fields[i + 1];
  return record;
}

export function encodeEvent(version: number, payload: unknown): string[] {
  return ['v', String(version), 'data', JSON.stringify(payload)];
}

export type DecodedEvent = { ok: true; version: number; payload: unknown } | { ok: false; reason: string };

export function decodeEvent(fields: string[]): DecodedEvent {
  const { v, data } = fieldsToRecord(fields);
  const version = Number(v);
  if (!Number.isInteger(version)) return { ok: false, reason: `unparseable entry: version ${JSON.stringify(v)}` };
  if (data === undefined) return { ok: false, reason: 'unparseable entry: no data field' };
  try {
    return { ok: true, version, payload: JSON.parse(data) };
  } catch (error) {
    return { ok: false, reason: `unparseable entry: ${(error as Error).message}` };
  }
}

export interface DeadLetterRecord {
  originalId: string;
  /** The original entry's fields as they were (`v`, `data`), kept raw so that even unparseable ones survive. */
  fields: string[];
  deliveries: number;
  lastError: string;
  deadAt: Date;
}

export function encodeDeadLetter(record: DeadLetterRecord): string[] {
  const { v = '', data = '' } = fieldsToRecord(record.fields);
  return [
    'originalId', record.originalId,
    'v', v,
    'data', data,
    'deliveries', String(record.deliveries),
    'lastError', record.lastError,
    'deadAt', record.deadAt.toISOString(),
  ];
}

export function decodeDeadLetter(topic: Topic, entry: StreamEntry): DeadLetter {
  const record = fieldsToRecord(entry.fields ?? []);
  return {
    id: entry.id,
    topic,
    originalId: record.originalId,
    payload: parseOrRaw(record.data),
    deliveries: Number(record.deliveries),
    lastError: record.lastError,
    deadAt: record.deadAt,
  };
}

function parseOrRaw(data: string | undefined): unknown {
  try {
    return data === undefined ? undefined : JSON.parse(data);
  } catch {
    return data;
  }
}
