/**
 * Every secret the logs must never show, in one place: the field names (at any of the first three levels of a log
 * line, where the app's structured context and a logged error's properties sit), the request headers, and the
 * credentials inside a URL. Field names match exactly, so each spelling in use is listed.
 */
const SECRET_FIELDS = [
  'apiKey', 'api_key', 'apiSecret', 'secret', 'password', 'passphrase', 'privateKey', 'credentials',
  'token', 'accessToken', 'refreshToken', 'adminToken', 'authorization', 'cookie',
  'webhookSecret', 'signingSecret', 'signalSecret', 'secretsKey', 'ADMIN_TOKEN', 'SECRETS_KEY',
];

/** Headers that carry credentials, lower case as Node gives them. */
const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-auth-token', 'x-webhook-secret', 'x-signal-secret'];

/** Where headers show up: pino-http's request and response, an error's request (HTTP clients), or any object's. */
const HEADER_HOLDERS = ['req.headers', 'res.headers', 'headers', '*.headers', '*.*.headers'];

/** pino's `*` stands for exactly one level, so each depth is spelled out. */
export const REDACTED_PATHS = [
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
  ...HEADER_HOLDERS.flatMap((holder) => SECRET_HEADERS.map((header) => `${holder}["${header}"]`)),
];

export const REDACTED = '[redacted]';

/** A URL as it may be logged: its password (and a `password` query parameter) replaced, the rest kept for diagnosis. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString();
  } catch {
    // Not a URL a parser accepts: drop anything that looks like user information.
    return url.replace(/\/\/[^/@]*@/, '//***@');
  }
}
