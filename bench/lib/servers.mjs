// The two kinds of server the benchmarks load: a build of `sstore server start`, and the bare node:http baseline.
// Both run as child processes on loopback, so that they compete equally with the load generator for the CPUs.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnUntil } from './processes.mjs';

// Far above any count a benchmark creates: the quota is not what is measured.
const QUOTA = '100000000';

/** The absolute path of a launcher (`bin/sstore.js` of some build); throws when it or its bundle is missing. */
export function launcher(path) {
  const bin = resolve(path);
  if (!existsSync(bin) || !existsSync(join(bin, '..', '..', 'dist', 'sstore.js'))) {
    throw new Error(`${bin} or its dist/ is missing: run \`node scripts/build.mjs\` first`);
  }
  return bin;
}

/**
 * The environment for servers whose config, cache and home live under `dir`: a fresh root token, no keychain, no
 * SSTORE_ variable of the caller's. Returns it with the `authorization` header value that the token grants.
 */
export function serverEnv(dir) {
  const token = `bench_${randomBytes(24).toString('base64url')}`;
  const env = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('SSTORE_')) env[key] = value;
  return {
    authorization: `Bearer ${token}`,
    env: {
      ...env,
      HOME: join(dir, 'home'),
      SSTORE_CONFIG_DIR: join(dir, 'config'),
      SSTORE_CACHE_DIR: join(dir, 'cache'),
      SSTORE_ROOT_TOKEN: token,
      SSTORE_NO_KEYCHAIN: '1',
      NO_COLOR: '1',
    },
  };
}

/**
 * `node <bin> server start` on a free port with its data in `data` (a data dir) or in `database` (a PostgreSQL URL,
 * with SSTORE_MASTER_KEY in `env`), its stderr (the access log) in `log`.
 */
export async function startSstore({ bin, env, data, database, log }) {
  const storage = database === undefined ? ['--data', data] : ['--database', database];
  const { child, match, readyMs } = await spawnUntil([bin, 'server', 'start', '--port', '0', ...storage, '--quota', QUOTA], {
    env,
    ready: /sstore server listening on (http:\/\/\S+)/,
    log,
  });
  return { child, url: match[1], readyMs };
}

// Answers every request with the same bytes: the benchmarks pass the exact response of the request they compare
// it with, so that both servers send the same amount.
const BASELINE_SOURCE = `
const http = require('node:http');
const body = Buffer.from(process.env.BENCH_BODY);
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => console.log('baseline listening on http://127.0.0.1:' + server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

export async function startBaseline({ body, log }) {
  const { child, match } = await spawnUntil(['-e', BASELINE_SOURCE], {
    env: { ...process.env, BENCH_BODY: body },
    ready: /baseline listening on (http:\/\/\S+)/,
    log,
  });
  return { child, url: match[1] };
}
