import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** Docker cannot run here; this keeps the Dockerfile honest about what the package actually builds and runs. */
describe('the Dockerfile', () => {
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts as Record<string, string>;

  it('builds with the package\'s build script and runs what start:prod runs', () => {
    expect(dockerfile).toContain('RUN npm ci');
    expect(dockerfile).toMatch(/RUN npm run build\b/);
    expect(scripts.build).toBeDefined();
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]) as string[];
    expect(cmd.join(' ')).toBe(scripts['start:prod']);
  });

  it('runs as a non-root user, with a health check on /health', () => {
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/health/m);
  });

  it('copies every folder the build compiles', () => {
    const include = JSON.parse(readFileSync('tsconfig.build.json', 'utf8')).include as string[];
    for (const folder of include) expect(dockerfile).toContain(`COPY ${folder} ./${folder}`);
  });
});
