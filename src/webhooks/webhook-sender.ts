import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/index.js';
import { hostOf, isPrivateAddress, refusedHost, systemResolve, type Resolver } from './address-policy.js';

export interface PostOptions {
  timeoutMs: number;
  /** WEBHOOK_ALLOW_PRIVATE_HOSTS: loopback and private addresses may be reached. */
  allowPrivate: boolean;
  /** Name resolution; the system's by default (tests give names an address of their choice). */
  resolve?: Resolver;
  /** Aborts the attempt (the app is shutting down). */
  signal?: AbortSignal;
}

export interface PostResult {
  /** The receiver's status code; null when none came (refused, unreachable, timed out). */
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * POSTs a JSON body and reports the status code; the receiver's body is read and thrown away, redirects are not
 * followed (a 3xx is a failure). Built on node:http rather than fetch for one reason: the address check runs in the
 * connection's own DNS lookup, so a name cannot resolve to a public address when checked and a private one when
 * connected (DNS rebinding). fetch offers no such hook without another dependency.
 */
export function postJson(url: string, headers: Record<string, string>, body: string, options: PostOptions): Promise<PostResult> {
  const started = performance.now();
  const target = new URL(url);
  const refused = options.allowPrivate ? null : refusedHost(hostOf(target));
  if (refused) return Promise.resolve({ statusCode: null, error: `refused: ${refused}`, durationMs: 0 });
  return new Promise((resolve) => {
    let statusCode: number | null = null;
    let done = false;
    const finish = (error: string | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ statusCode, error, durationMs: Math.round(performance.now() - started) });
    };
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(
      target,
      {
        method: 'POST',
        agent: false,
        lookup: guardedLookup(options),
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'trading-bot-orchestrator-webhooks/1' },
      },
      (response) => {
        statusCode = response.statusCode ?? null;
        response.resume();
        response.on('end', () => finish(null));
        response.on('close', () => finish(null));
      },
    );
    // A receiver that answers its status and then streams forever has answered: its status counts.
    const timer = setTimeout(() => {
      request.destroy();
      finish(statusCode === null ? `no answer within ${options.timeoutMs} ms` : null);
    }, options.timeoutMs);
    request.on('error', (error) => finish(error.message));
    const abort = () => request.destroy(new Error('interrupted: the app is shutting down'));
    if (options.signal?.aborted) abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    request.on('close', () => options.signal?.removeEventListener('abort', abort));
    request.end(body);
  });
}

/** The connection's own lookup: every address of the name is checked, and the name refused if any is private. */
function guardedLookup(options: PostOptions): LookupFunction {
  const resolve = options.resolve ?? systemResolve;
  return ((hostname: string, lookup: { all?: boolean; family?: number | string }, callback: (...args: unknown[]) => void) => {
    resolve(hostname, (error, found) => {
      if (error) return callback(error);
      const family = lookup.family === 4 || lookup.family === 'IPv4' ? 4 : lookup.family === 6 || lookup.family === 'IPv6' ? 6 : 0;
      const addresses = found.filter((a) => family === 0 || a.family === family);
      const blocked = options.allowPrivate ? undefined : found.find((a) => isPrivateAddress(a.address));
      if (blocked) return callback(new Error(`refused: ${hostname} resolves to ${blocked.address}, a private, loopback or link-local address`));
      if (addresses.length === 0) return callback(new Error(`${hostname} has no address`));
      if (lookup.all) callback(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  }) as LookupFunction;
}

/** postJson with the configured timeout and address policy. */
@Injectable()
export class WebhookSender {
  constructor(private readonly config: AppConfig) {}

  post(url: string, headers: Record<string, string>, body: string, signal?: AbortSignal): Promise<PostResult> {
    return postJson(url, headers, body, { timeoutMs: this.config.env.WEBHOOK_TIMEOUT_MS, allowPrivate: this.config.env.WEBHOOK_ALLOW_PRIVATE_HOSTS, signal });
  }
}
