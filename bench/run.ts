import { formatConsole, writeReport } from './report.js';
import { runBenchmarks } from './suite.js';

const USAGE = `Usage: node dist/bench/run.js [--smoke] [--only=id,id] [--no-write] [--write] [--out=docs/benchmarks.md]
  --smoke     tiny sizes: checks that every benchmark works; writes no report unless --write
  --only      run these benchmarks only (ids: shared-evaluation, incremental-indicators, evaluation-cpu, bus-latency,
              notifier-throughput, exchange-calls, memory, http)
  --no-write  print the figures without writing the report
  --verbose   print how each figure was measured too
Servers: TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), REDIS_URL (default redis://127.0.0.1:6379).`;

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const smoke = argv.includes('--smoke');
  const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',').filter(Boolean);
  const write = argv.includes('--write') || (!smoke && !argv.includes('--no-write'));
  const out = argv.find((a) => a.startsWith('--out='))?.slice('--out='.length) ?? 'docs/benchmarks.md';

  const results = await runBenchmarks({ smoke, only });
  process.stdout.write(`\n${formatConsole(results, argv.includes('--verbose'))}\n`);
  if (write) {
    const command = `node dist/bench/run.js${argv.length ? ` ${argv.join(' ')}` : ''}`;
    await writeReport(out, results, { command, smoke, findingsPath: 'bench/findings.md' });
    process.stdout.write(`\nreport written to ${out}\n`);
  }
  return results.some((r) => r.failed) ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
