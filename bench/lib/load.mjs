// Load through autocannon, from the benchmark's own process.
import autocannon from 'autocannon';

/** Runs one load; any non-2xx answer, socket error or timeout throws, since a fast error is not a result. */
export async function load(label, authorization, opts) {
  const result = await autocannon({ ...opts, headers: { authorization, ...opts.headers } });
  const failures = result.non2xx + result.errors + result.timeouts;
  if (failures > 0) {
    throw new Error(
      `${label}: ${result.non2xx} non-2xx responses, ${result.errors} errors, ${result.timeouts} timeouts out of ${result.requests.total}`,
    );
  }
  return {
    connections: opts.connections,
    seconds: opts.duration,
    requests: result.requests.total,
    reqPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    ok: result['2xx'],
  };
}

export function median(list) {
  const sorted = [...list].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
