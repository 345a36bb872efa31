import type { ValueTransformer } from 'typeorm';

/** Postgres `numeric` arrives as a string; the app computes with numbers and rounds at the exchange edge. */
export const numeric: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null || value === undefined ? null : Number(value)),
};

/** timestamptz columns that the app handles as UTC milliseconds, like candle times. */
export const epochMs: ValueTransformer = {
  to: (value: number | null | undefined) => (value === null || value === undefined ? value : new Date(value)),
  from: (value: Date | null) => (value === null || value === undefined ? null : value.getTime()),
};
