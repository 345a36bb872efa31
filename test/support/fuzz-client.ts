import { Agent, request } from 'node:http';

export interface RawRequest {
  method: string;
  /** Encoded as it goes on the wire. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export interface RawResponse {
  /** 0 when no answer came: `error` says why. */
  status: number;
  text: string;
  error?: string;
}

/**
 * Sends requests exactly as given (no content type added, bodies as raw bytes) over keep-alive connections.
 * Node's fetch would add a content type to a string body and refuse some paths; a fuzzer needs neither.
 */
export class RawHttpClient {
  private readonly agent: Agent;

  constructor(
    private readonly baseUrl: string,
    maxSockets = 16,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  send(raw: RawRequest, timeoutMs = 20_000): Promise<RawResponse> {
    const url = new URL(this.baseUrl);
    const body = raw.body === undefined ? undefined : Buffer.isBuffer(raw.body) ? raw.body : Buffer.from(raw.body, 'utf8');
    const headers = { ...raw.headers, ...(body && { 'content-length': String(body.length) }) };
    return new Promise((resolve) => {
      let settled = false;
      const done = (response: RawResponse) => {
        if (!settled) resolve(response);
        settled = true;
      };
      try {
        const req = request({ agent: this.agent, host: url.hostname, port: url.port, method: raw.method, path: raw.path, headers, timeout: timeoutMs }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (error) => done({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), error: error.message }));
        });
        req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        // The server may answer (413, 415) and close before reading a large body: the answer counts, not the write error.
        req.on('error', (error) => setTimeout(() => done({ status: 0, text: '', error: error.message }), 50));
        req.end(body);
      } catch (error) {
        done({ status: 0, text: '', error: `not sent: ${(error as Error).message}` });
      }
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Runs `work` over `items`, at most `concurrency` at a time, answers in the items' order. */
export async function mapBounded<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}
