import { inspect } from 'node:util';
import { vi } from 'vitest';

/**
 * Every way a secret may show in a log line: as configured, the key's other spellings (uppercase hex, base64 of its
 * bytes), and the secret's own bytes in hex or base64 (url-safe too) inside any longer encoded text. For base64, the
 * part that depends on the secret alone is checked at each of the three byte alignments.
 */
export function forbiddenForms(plain: Record<string, string>, secretsKey: Buffer): { name: string; text: string }[] {
  const forms: { name: string; text: string }[] = [
    { name: 'SECRETS_KEY (uppercase hex)', text: secretsKey.toString('hex').toUpperCase() },
    { name: 'SECRETS_KEY (base64)', text: secretsKey.toString('base64').replace(/=+$/, '') },
    { name: 'SECRETS_KEY (base64url)', text: secretsKey.toString('base64url') },
  ];
  for (const [name, value] of Object.entries(plain)) {
    forms.push({ name, text: value }, { name: `${name} (hex of its bytes)`, text: Buffer.from(value).toString('hex') });
    for (const shift of [0, 1, 2]) {
      const encoded = Buffer.concat([Buffer.alloc(shift), Buffer.from(value)]).toString('base64');
      const core = encoded.slice(4 * Math.ceil(shift / 3), 4 * Math.floor((shift + value.length) / 3));
      forms.push({ name: `${name} (base64)`, text: core }, { name: `${name} (base64url)`, text: core.replace(/\+/g, '-').replace(/\//g, '_') });
    }
  }
  return forms;
}

/** Everything the process writes while installed: stdout, stderr (pino writes JSON lines to stdout) and the console. */
export class OutputTap {
  private readonly chunks: string[] = [];
  private readonly restore: (() => void)[] = [];

  /** Before the app starts: pino writes to a process.stdout whose write was replaced only if it was replaced first. */
  install(): void {
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write;
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        this.chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
        const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
        callback?.();
        return true;
      }) as typeof stream.write;
      this.restore.push(() => (stream.write = original));
    }
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      const spy = vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        this.chunks.push(`${args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 8 }))).join(' ')}\n`);
      });
      this.restore.push(() => spy.mockRestore());
    }
  }

  uninstall(): void {
    for (const undo of this.restore.splice(0)) undo();
  }

  get text(): string {
    return this.chunks.join('');
  }
}
