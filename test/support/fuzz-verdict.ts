import type { RawResponse } from './fuzz-client.js';

/** Stack frames, Node internals, error class names and file paths: what an answer must never show. */
export const LEAKS: readonly RegExp[] = [
  /\bat \S+ \(/, // at fn (file:1:2)
  /\bat (\/|file:|node:)\S*:\d+:\d+/, // at /app/dist/x.js:1:2
  /node:internal/,
  /\b\w*Error: .*(\/[\w.@-]+){2,}/, // Error: ... /some/path
  /\b(QueryFailedError|TypeError|RangeError|ReferenceError|EntityNotFoundError|EntityPropertyNotFoundError|TypeORMError)\b/,
  /\/node_modules\//,
  /\b(ECONNREFUSED|ENOENT|EACCES)\b/,
];

/** A field named for an unknown one: itself, a field around it or inside it, or the whole body (refused while parsing). */
const isRelated = (named: string, field: string) =>
  named === 'body' || named === field || named.startsWith(`${field}.`) || field.startsWith(`${named}.`);

/** The problems with one answer: a 5xx or none, leaked internals, a 400 without fields naming something. */
export function problemsOf(response: RawResponse, request: { method: string; unknownField?: string }): string[] {
  const { unknownField } = request;
  const problems: string[] = [];
  if (response.status === 0) return [`no answer: ${response.error}`];
  if (response.status >= 500) problems.push(`status ${response.status}`);
  for (const pattern of LEAKS) if (pattern.test(response.text)) problems.push(`leaks ${pattern}`);
  if (unknownField && response.status !== 400 && response.status !== 413) problems.push(`unknown field ${unknownField} not refused (${response.status})`);
  // A HEAD answer has no body to check.
  if (response.status !== 400 || request.method === 'HEAD') return problems;
  let body: { fields?: unknown; error?: unknown } | undefined;
  try {
    body = JSON.parse(response.text);
  } catch {
    return [...problems, 'a 400 that is not JSON'];
  }
  const fields = body?.fields;
  const named = Array.isArray(fields) ? fields.map((f: { field?: unknown }) => f?.field) : [];
  if (named.length === 0 || !named.every((f) => typeof f === 'string' && f.length > 0)) {
    problems.push(`a 400 without a fields array naming each field (${String(body?.error)})`);
  } else if (unknownField && !named.some((f) => isRelated(f as string, unknownField))) {
    problems.push(`a 400 that does not name the unknown field ${unknownField}`);
  }
  return problems;
}
