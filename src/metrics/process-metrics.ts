import { collectDefaultMetrics, Registry } from 'prom-client';

let registry: Registry | undefined;

/**
 * CPU, memory, event loop lag, GC: they describe the process, not an app instance, so there is one registry per
 * process, created on first use. Collecting them per app would start an event-loop monitor and a GC observer per
 * app that are never stopped (the tests start many apps in one process). The names stay prom-client's standard
 * ones (`process_*`, `nodejs_*`), which ready-made Node.js dashboards expect.
 */
export function processMetrics(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}
