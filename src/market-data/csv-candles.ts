import { readFileSync } from 'node:fs';
import { CandleColumns } from './candle-columns.js';

/**
 * Reads candle exports in either of the layouts we receive, detected per file:
 * - with a header naming the columns (`open_time,open,high,low,close,volume`, time as a date or a number);
 * - headerless Kraken style `time_s,open,high,low,close,volume[,trades]`.
 * Numeric times below 1e11 are Unix seconds, larger ones milliseconds (1e11 s is the year 5138).
 */
export function readCsvCandles(filePath: string): CandleColumns {
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (error) {
    throw new Error(`cannot read candle file ${filePath}: ${(error as Error).message}`, { cause: error });
  }
  return parseCsvCandles(text, filePath);
}

const TIME_COLUMNS = ['open_time', 'opentime', 'time', 'time_s', 'timestamp', 'date', 'datetime'];
const VALUE_COLUMNS = ['open', 'high', 'low', 'close', 'volume'] as const;

/** `source` only names the text in error messages. */
export function parseCsvCandles(text: string, source: string): CandleColumns {
  const lines = text.split('\n');
  const firstLine = lines.findIndex((line) => line.trim() !== '');
  if (firstLine < 0) return CandleColumns.allocate(0);
  const header = isHeader(lines[firstLine]);
  const columns = header ? headerColumns(lines[firstLine], source) : [0, 1, 2, 3, 4, 5];
  const out = CandleColumns.allocate(lines.length);
  const targets = [out.open, out.high, out.low, out.close, out.volume];
  let count = 0;
  for (let lineNo = header ? firstLine + 1 : firstLine; lineNo < lines.length; lineNo++) {
    const line = lines[lineNo].trim();
    if (line === '') continue;
    const fields = line.split(',');
    const where = () => `${source}:${lineNo + 1}`;
    const time = parseTime(fields[columns[0]]);
    if (Number.isNaN(time)) throw new Error(`${where()}: cannot read the time "${fields[columns[0]]}"`);
    if (count > 0 && time <= out.openTime[count - 1]) {
      throw new Error(`${where()}: open times must be strictly increasing`);
    }
    out.openTime[count] = time;
    for (let k = 0; k < targets.length; k++) {
      const value = Number(fields[columns[k + 1]]);
      if (!Number.isFinite(value)) throw new Error(`${where()}: ${VALUE_COLUMNS[k]} is not a number`);
      targets[k][count] = value;
    }
    count++;
  }
  return out.head(count);
}

/** Throws when a row is not on a UTC multiple of the declared timeframe: resampling relies on that alignment. */
export function assertAligned(columns: CandleColumns, timeframeMs: number, source: string): void {
  for (let i = 0; i < columns.length; i++) {
    if (columns.openTime[i] % timeframeMs !== 0) {
      const at = new Date(columns.openTime[i]).toISOString();
      throw new Error(`${source}: candle at ${at} is not aligned on the declared timeframe (${timeframeMs} ms)`);
    }
  }
}

function isHeader(line: string): boolean {
  return Number.isNaN(parseTime(line.split(',')[0]));
}

function headerColumns(line: string, source: string): number[] {
  const names = line.split(',').map((name) => name.trim().toLowerCase());
  const time = names.findIndex((name) => TIME_COLUMNS.includes(name));
  const values = VALUE_COLUMNS.map((name) => names.indexOf(name));
  if (time < 0 || values.includes(-1)) {
    throw new Error(
      `${source}: header "${line.trim()}" must name a time column (${TIME_COLUMNS.join('|')}) and ${VALUE_COLUMNS.join(',')}`,
    );
  }
  return [time, ...values];
}

const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

function parseTime(field: string | undefined): number {
  const text = field?.trim() ?? '';
  if (text === '') return NaN;
  const numeric = Number(text);
  if (Number.isFinite(numeric)) return Math.abs(numeric) < 1e11 ? numeric * 1000 : numeric;
  // A date without a zone would be read as local time; exports are UTC.
  const iso = text.replace(' ', 'T');
  return Date.parse(HAS_ZONE.test(iso) ? iso : `${iso}Z`);
}
