/** One scrape of `GET /metrics`, parsed: samples looked up by name and exact label set. */
export class Exposition {
  private readonly samples: { name: string; labels: Record<string, string>; value: number }[] = [];

  constructor(readonly text: string) {
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key, value]));
      this.samples.push({ name: match[1], labels, value: Number(match[3]) });
    }
  }

  /** The sample with exactly these labels, or undefined when the scrape has none. */
  find(name: string, labels: Record<string, string> = {}): number | undefined {
    const wanted = Object.entries(labels);
    return this.samples.find(
      (sample) => sample.name === name && Object.keys(sample.labels).length === wanted.length && wanted.every(([key, value]) => sample.labels[key] === value),
    )?.value;
  }

  /** The sample's value, 0 when absent (a labelled counter that never moved has no series yet). */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.find(name, labels) ?? 0;
  }

  /** Every sample of a metric, e.g. to see which label values exist. */
  all(name: string): { labels: Record<string, string>; value: number }[] {
    return this.samples.filter((sample) => sample.name === name);
  }

  /** Whether the scrape declares this metric (a `# TYPE` line). */
  declares(name: string): boolean {
    return this.text.includes(`# TYPE ${name} `);
  }
}

export async function scrape(baseUrl: string, headers: Record<string, string> = {}): Promise<Exposition> {
  const response = await fetch(`${baseUrl}/metrics`, { headers });
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}: ${await response.text()}`);
  return new Exposition(await response.text());
}
