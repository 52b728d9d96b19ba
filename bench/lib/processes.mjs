// Child processes and temporary directories for the benchmarks. Importing this module installs the clean-up:
// every tracked child is killed and every temporary directory removed when the script ends, fails or gets Ctrl-C.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, fstatSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const children = new Set();
const tempDirs = new Set();
const cleanUps = [];

function cleanUp() {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  for (const fn of cleanUps.splice(0)) fn();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** Runs `fn` (synchronously) when the script ends, fails or gets Ctrl-C: after the children are killed, before the temporary directories go. */
export function atCleanUp(fn) {
  cleanUps.push(fn);
}
process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    process.stderr.write(`bench: ${signal}: stopping\n`);
    process.exit(130);
  });
}

/** A new directory under the system's temporary directory, removed when the process exits. */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** Exits with status 2 after `seconds`; returns the function that cancels it. */
export function giveUpAfter(seconds, flag = '--timeout') {
  const timer = setTimeout(() => {
    process.stderr.write(`bench: gave up after ${flag} ${seconds} s\n`);
    process.exit(2);
  }, seconds * 1000);
  timer.unref();
  return () => clearTimeout(timer);
}

export function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function exited(child) {
  return child.exitCode !== null || child.signalCode !== null;
}

/** SIGTERM, then SIGKILL if the child is still there 5 s later. */
export async function stop(child) {
  if (exited(child)) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await gone;
  clearTimeout(timer);
}

function tailOf(file) {
  if (!existsSync(file)) return '';
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 2_000);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8').trim();
  } finally {
    closeSync(fd);
  }
}

/**
 * Spawns `node <args>` with stderr going to a log file (the server's access log would otherwise have to be read by
 * this process while it drives the load) and resolves once stdout matches `ready`.
 */
export function spawnUntil(args, { env, ready, log, timeoutMs = 20_000 }) {
  const fd = openSync(log, 'a');
  const started = performance.now();
  const child = track(spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', fd] }));
  closeSync(fd);
  let out = '';
  return new Promise((resolve, reject) => {
    const fail = (why) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${why}\n${tailOf(log)}`));
    };
    const timer = setTimeout(() => fail(`no ready line within ${timeoutMs} ms from: node ${args.join(' ')}`), timeoutMs);
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal}) before it was ready: node ${args.join(' ')}`));
    child.stdout.on('data', (chunk) => {
      if (out === undefined) return;
      out += chunk.toString();
      const match = ready.exec(out);
      if (!match) return;
      const readyMs = performance.now() - started;
      out = undefined;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.once('exit', () => children.delete(child));
      resolve({ child, match, readyMs });
    });
  });
}

/** Runs `node <args>` to completion (at most 20 s) and resolves with its wall time in ms. */
export function runNode(args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = track(spawn(process.execPath, args, { stdio: 'ignore' }));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(performance.now() - started);
      else reject(new Error(`node ${args.join(' ')} exited with ${code}`));
    });
  });
}

export function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

// Linux reports utime and stime in clock ticks of 1/USER_HZ s, which is 100 on every architecture Node runs on.
const TICK_US = 10_000;

/** The CPU time (user + system) a process has used so far, in µs, from /proc/<pid>/stat. */
export function cpuMicrosOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count the fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}
