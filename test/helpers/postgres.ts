/**
 * PostgreSQL for the tests: the cluster of the run (scripts/test.sh starts one and exports its admin URL as
 * SSTORE_TEST_DATABASE_URL), else one started for this test file through scripts/postgres.sh; a fresh database per
 * use, dropped when the file ends; private clusters that fault tests may stop and restart without disturbing the
 * other files of the run. Databases are made with Debian's `psql`, the password passed in PGPASSWORD, never in argv.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import { ROOT } from './env.ts';

const run = promisify(execFile);
const SCRIPT = join(ROOT, 'scripts', 'postgres.sh');

export interface Cluster {
  /** The admin URL: postgres://sstore:<password>@127.0.0.1:<port>/postgres */
  url: string;
  /** The directory scripts/postgres.sh made it in (data, socket, log). */
  dir: string;
}

async function script(command: string, dir: string, extra: string[] = []): Promise<string> {
  try {
    return (await run('bash', [SCRIPT, command, dir, ...extra], { env: process.env, timeout: 120_000 })).stdout.trim();
  } catch (error) {
    const failed = error as { stderr?: string; message: string };
    throw new Error(`scripts/postgres.sh ${command} failed: ${failed.stderr?.trim() || failed.message}`);
  }
}

async function launch(): Promise<Cluster> {
  // Directly under the temporary directory: as root the cluster runs as `postgres`, which must reach it.
  const dir = mkdtempSync(join(tmpdir(), 'sstore-pg-'));
  try {
    // --owner: the script's watcher stops the cluster if this process dies without running its hooks.
    return { url: await script('start', dir, ['--owner', String(process.pid)]), dir };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * A new cluster of the caller's own, stopped and removed when the test (or, at the top level, the file) that made it
 * ends. Start-up takes 2–4 s.
 */
export async function startCluster(): Promise<Cluster> {
  const cluster = await launch();
  after(() => script('stop', cluster.dir));
  return cluster;
}

let shared: Promise<Cluster> | undefined;

/**
 * The run's cluster from scripts/test.sh, else one for this file. Starting one on demand, rather than failing, keeps
 * `npm test` and `node --test <file>` meaningful outside scripts/test.sh: the PostgreSQL tests run, never pass
 * without running, and fail in one line when PostgreSQL is not installed (run scripts/setup.sh).
 */
export function sharedCluster(): Promise<Cluster> {
  const url = process.env.SSTORE_TEST_DATABASE_URL;
  if (url) return (shared ??= Promise.resolve({ url, dir: process.env.SSTORE_TEST_PG_DIR ?? '' }));
  // Made by whichever test first needs it, but shared by the whole file: stopped when the process exits, not by an
  // `after` hook, which would end it with that first test.
  shared ??= launch().then((cluster) => {
    process.once('exit', () => execFileSync('bash', [SCRIPT, 'stop', cluster.dir], { stdio: 'ignore' }));
    return cluster;
  });
  return shared;
}

/** Runs SQL as the cluster's admin through psql; stops at the first error. */
export async function adminSql(cluster: Cluster, sql: string): Promise<string> {
  const url = new URL(cluster.url);
  const password = decodeURIComponent(url.password);
  url.password = '';
  try {
    const { stdout } = await run('psql', ['-X', '-q', '-tA', '-v', 'ON_ERROR_STOP=1', '-d', url.href, '-c', sql], {
      env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '10' },
      timeout: 60_000,
    });
    return stdout.trim();
  } catch (error) {
    const failed = error as { stderr?: string; message: string };
    throw new Error(`psql failed: ${failed.stderr?.trim() || failed.message}`);
  }
}

/**
 * A new, empty database owned by a new role of its own (not a superuser, as a production server would connect), on
 * the run's cluster unless one is given; both are dropped when the test file ends. Returns the role's URL.
 */
export async function freshDatabase(cluster?: Cluster): Promise<string> {
  const on = cluster ?? (await sharedCluster());
  const name = `sstore_t${randomBytes(6).toString('hex')}`;
  const password = randomBytes(18).toString('hex');
  await adminSql(on, `CREATE ROLE ${name} LOGIN PASSWORD '${password}'`);
  await adminSql(on, `CREATE DATABASE ${name} OWNER ${name}`);
  after(async () => {
    // FORCE ends the sessions of servers still connected (a test may leave one running until its own hook kills it).
    await adminSql(on, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await adminSql(on, `DROP ROLE IF EXISTS ${name}`).catch(() => undefined);
  });
  const url = new URL(on.url);
  url.username = name;
  url.password = password;
  url.pathname = `/${name}`;
  return url.href;
}

/** A database outage: the cluster's server stops (fast shutdown: sessions are cut), its data stays. */
export async function stopPostgres(cluster: Cluster): Promise<void> {
  await script('down', privateDir(cluster));
}

/** Starts a cluster stopped by stopPostgres again, on the same port, with the same data. */
export async function startPostgres(cluster: Cluster): Promise<void> {
  await script('up', privateDir(cluster));
}

export async function restartPostgres(cluster: Cluster): Promise<void> {
  await stopPostgres(cluster);
  await startPostgres(cluster);
}

function privateDir(cluster: Cluster): string {
  // The run's shared cluster serves every test file at once: an outage there would fail unrelated tests.
  if (cluster.url === process.env.SSTORE_TEST_DATABASE_URL) throw new Error('fault tests must use a cluster of their own (startCluster())');
  return cluster.dir;
}
