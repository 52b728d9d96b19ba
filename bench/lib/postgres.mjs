// A throwaway PostgreSQL cluster for a benchmark, through scripts/postgres.sh (the same one the tests use): started
// in a temporary directory, stopped and removed when the script ends, fails or gets Ctrl-C (and, through the
// script's watcher, when this process is killed outright).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { atCleanUp, tempDir } from './processes.mjs';

const SCRIPT = new URL('../../scripts/postgres.sh', import.meta.url).pathname;

/** Starts a cluster; returns its admin URL and a function that makes a new database on it (returns its URL). */
export function startCluster() {
  const dir = tempDir('sstore-bench-pg-');
  const url = execFileSync('bash', [SCRIPT, 'start', dir, '--owner', String(process.pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  atCleanUp(() => {
    try {
      execFileSync('bash', [SCRIPT, 'stop', dir], { stdio: 'ignore' });
    } catch {
      // The watcher stops it once this process is gone.
    }
  });
  const admin = new URL(url);
  const password = decodeURIComponent(admin.password);
  admin.password = '';
  return {
    url,
    version: psql(admin, password, 'show server_version'),
    createDatabase() {
      const name = `bench_${randomBytes(4).toString('hex')}`;
      psql(admin, password, `CREATE DATABASE ${name}`);
      const database = new URL(url);
      database.pathname = `/${name}`;
      return database.href;
    },
  };
}

// The password goes in PGPASSWORD, not in argv, where every user of the machine could read it.
function psql(admin, password, sql) {
  return execFileSync('psql', ['-X', '-q', '-tA', '-v', 'ON_ERROR_STOP=1', '-d', admin.href, '-c', sql], {
    encoding: 'utf8',
    env: { ...process.env, PGPASSWORD: password },
  }).trim();
}

/** 32 random bytes in base64: what `--database` needs in SSTORE_MASTER_KEY. */
export function masterKey() {
  return randomBytes(32).toString('base64');
}
