import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli } from '../helpers/cli.ts';
import { BIN, isolatedEnv, tempDir } from '../helpers/env.ts';
import { startServer } from '../helpers/server.ts';
import { createToken } from '../helpers/tokens.ts';

const dir = tempDir();
const ROOT = 'root-token-for-import-tests';
const ACCOUNT = '0123456789abcdef0123456789abcdef';

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function names(env: NodeJS.ProcessEnv, store?: string): Promise<string[]> {
  const result = await runCli(['secrets', 'list', '-q', ...(store ? ['--store', store] : [])], { env });
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.split('\n').filter(Boolean).sort();
}

async function values(env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  const result = await runCli(['export', '--format', 'json'], { env });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, string>;
}

const manyLines = (count: number, value: (i: number) => string = (i) => `value-${i}`) =>
  Array.from({ length: count }, (_, i) => `S${String(i).padStart(4, '0')}=${value(i)}`).join('\n') + '\n';

test('every invalid line is reported as file:line before anything is written', async () => {
  const env = isolatedEnv();
  const long = 'N'.repeat(300);
  const path = file('bad.env', ['GOOD=1', 'not a line', 'bad.name=2', `${long}=3`, 'EMPTY=', `BIG=${'x'.repeat(70_000)}`, 'GOOD=again', "OPEN='s3cr3t-unclosed", ''].join('\n'));
  const result = await runCli(['import', path], { env });
  assert.equal(result.code, 2);
  const lines = result.stderr.trim().split('\n');
  assert.deepEqual(lines.slice(0, -1).map((l) => l.slice(0, `${path}:N`.length)), [2, 3, 4, 5, 6, 7, 8].map((n) => `${path}:${n}`));
  assert.match(lines[0]!, /:2: expected NAME=value: is it the rest of GOOD's value from line 1\? A multi-line value needs double quotes$/);
  assert.match(lines[1]!, /:3: invalid secret name "bad\.name": character 4 is "\."; use letters, digits, "_" and "-" \(up to 255\)/);
  assert.match(lines[2]!, /invalid secret name \(not shown: it may be a value\): it is 300 characters long; use letters, digits, "_" and "-" \(up to 255\)/);
  assert.match(lines[3]!, /EMPTY: the value is empty/);
  assert.match(lines[4]!, /BIG: the value is 70,000 bytes; the limit is 65,536/);
  assert.match(lines.at(-1)!, /^error: .*bad\.env: 7 problems; nothing was written$/);
  assert.ok(!result.stderr.includes('s3cr3t'), 'values are not echoed');
  assert.deepEqual(await names(env), [], 'nothing was written, not even the good line');

  const json = await runCli(['import', file('bad.json', '{\n  "A": "1",\n  "B": 2\n}\n')], { env });
  assert.equal(json.code, 2);
  assert.match(json.stderr, /bad\.json:3: B: the value must be a string, not a number/);
});

test('a plan first; create, then update, --dry-run changes nothing, --prune deletes only with --yes, stdin works', async () => {
  const env = isolatedEnv();
  const first = file('first.env', 'A=1\nB="two words"\n');
  const dry = await runCli(['import', first, '--dry-run'], { env });
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(dry.stdout, 'create     A\ncreate     B\n');
  assert.match(dry.stderr, /dry run: 2 to create, 0 to update in store default; nothing was changed/);
  assert.deepEqual(await names(env), []);

  const created = await runCli(['import', first], { env });
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stderr, /importing .*first\.env into store default: 2 to create, 0 to update\ncreated 2, updated 0 in store default\n$/);

  const second = file('second.env', 'B=changed\nC=3\n');
  const plan = JSON.parse((await runCli(['import', second, '--prune', '--dry-run', '--json'], { env })).stdout);
  assert.deepEqual(plan, { store: 'default', dry_run: true, create: ['C'], update: ['B'], unchanged: [], delete: ['A'] });
  const refused = await runCli(['import', second, '--prune'], { env });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /pass --yes/);
  assert.deepEqual(await values(env), { A: '1', B: 'two words' }, 'a refused prune writes nothing');

  const pruned = await runCli(['import', second, '--prune', '--yes', '--json'], { env });
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.deepEqual(JSON.parse(pruned.stdout), { store: 'default', created: ['C'], updated: ['B'], deleted: ['A'], unchanged: [] });
  assert.deepEqual(await values(env), { B: 'changed', C: '3' });

  const piped = await runCli(['import', '-', '--format', 'json'], { env, input: '{"D": "from stdin"}' });
  assert.equal(piped.code, 0, piped.stderr);
  assert.equal((await values(env)).D, 'from stdin');
});

test('against a server: the quota is checked before writing; a failure part way names what was and was not written, and a rerun finishes', async () => {
  const dataDir = tempDir();
  const serverEnv = isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT });
  const env = isolatedEnv({ SSTORE_API_URL: '', CLOUDFLARE_ACCOUNT_ID: ACCOUNT, CLOUDFLARE_API_TOKEN: ROOT });
  let server = await startServer({ env: serverEnv, dataDir, args: ['--quota', '500', '--max-value-bytes', '100'] });
  env.SSTORE_API_URL = server.api;
  assert.equal((await runCli(['stores', 'create', 'main'], { env })).code, 0);

  const tooMany = await runCli(['import', file('too-many.env', manyLines(501))], { env });
  assert.equal(tooMany.code, 6, tooMany.stderr);
  assert.match(tooMany.stderr, /the import creates 501 secrets, and the account has 0 of 500 in use \(room for 500\); nothing was written/);
  assert.deepEqual(await names(env), []);

  // Line 251 holds a value the server refuses (over --max-value-bytes): the third batch of 100 fails.
  const path = file('thousand.env', manyLines(450, (i) => (i === 250 ? 'v'.repeat(200) : `value-${i}`)));
  const partial = await runCli(['import', path], { env });
  assert.equal(partial.code, 6, `a value over the server's limit is a limit (exit 6): ${partial.stderr}`);
  assert.doesNotMatch(partial.stderr, /\r/, 'no progress bar without a terminal');
  assert.match(partial.stderr, /import stopped part way: created 200, updated 0 in store main/);
  const createdLine = /^created: (.*)$/m.exec(partial.stderr)![1]!.split(', ');
  const notWritten = /^not written \(250\): (.*)$/m.exec(partial.stderr)![1]!.split(', ');
  assert.deepEqual(createdLine, Array.from({ length: 200 }, (_, i) => `S${String(i).padStart(4, '0')}`));
  assert.deepEqual(notWritten, Array.from({ length: 250 }, (_, i) => `S${String(i + 200).padStart(4, '0')}`));
  assert.match(partial.stderr, /^error: import stopped: .*200.*\nhint: fix the cause and run the same import again/m);
  assert.ok(!partial.stderr.includes('vvvv'), 'the value is not in the error');
  assert.deepEqual(await names(env), createdLine, 'exactly the reported names were written');

  await server.stop();
  server = await startServer({ env: serverEnv, dataDir, args: ['--quota', '500'] });
  env.SSTORE_API_URL = server.api;
  const rerun = await runCli(['import', path], { env });
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.match(rerun.stderr, /created 250, updated 0, unchanged 200 in store main/, 'the root token reveals, so equal values are not rewritten');
  const all = await values(env);
  assert.equal(Object.keys(all).length, 450);
  assert.equal(all.S0250, 'v'.repeat(200));
  assert.equal(all.S0449, 'value-449');
});

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const socket = `sstore-import-${process.pid}`;
if (hasTmux) after(() => void spawnSync('tmux', ['-L', socket, 'kill-server']));

test('a 1,000-line import on a terminal shows a progress bar, then the summary', { skip: hasTmux ? false : 'tmux is not installed' }, async () => {
  const env = isolatedEnv();
  const path = file('big.env', manyLines(1000));
  const script = file('term.sh', [
    'unset CI',
    ...Object.entries(env).filter(([k, v]) => v !== undefined && k !== 'CI' && /^[A-Z_][A-Z0-9_]*$/.test(k)).map(([k, v]) => `export ${k}='${String(v).replaceAll("'", "'\\''")}'`),
    `'${process.execPath}' '${BIN}' import '${path}'`,
    'echo "EXIT=$?"',
    'sleep 60',
  ].join('\n'));
  const name = `i${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  tmux('new-session', '-d', '-s', name, '-x', '160', '-y', '20', `sh ${script}`);
  let screen = '';
  for (let i = 0; i < 600 && !/EXIT=\d+/.test(screen); i++) {
    await sleep(100);
    screen = tmux('capture-pane', '-p', '-t', name, '-S', '-50');
  }
  tmux('kill-session', '-t', name);
  assert.match(screen, /EXIT=0/, screen);
  assert.match(screen, /^importing \[#{30}\] 1000\/1000 100%$/m, screen);
  assert.match(screen, /created 1000, updated 0 in store default/);
  assert.equal((await names(env)).length, 1000);
});

test('--prune with a file that names nothing refuses to empty the store, unless --allow-empty', async () => {
  const env = isolatedEnv();
  assert.equal((await runCli(['import', file('two.env', 'A=1\nB=2\n')], { env })).code, 0);
  for (const [name, text] of [['empty.env', ''], ['comments.env', '# nothing here\n\n']] as const) {
    for (const extra of [[], ['--dry-run']]) {
      const refused = await runCli(['import', file(name, text), '--prune', '--yes', ...extra], { env });
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, new RegExp(`^error: .*${name.replace('.', '\\.')} names no secrets, so --prune would delete all 2 secrets of store default; nothing was changed\\nhint: pass --allow-empty to empty the store on purpose\\n$`));
    }
  }
  assert.deepEqual(await names(env), ['A', 'B']);
  const emptied = await runCli(['import', file('empty.env', ''), '--prune', '--yes', '--allow-empty'], { env });
  assert.equal(emptied.code, 0, emptied.stderr);
  assert.match(emptied.stderr, /created 0, updated 0, deleted 2 in store default/);
  assert.deepEqual(await names(env), []);
});

test('values already stored are reported unchanged and not rewritten where the provider can read them', async () => {
  const env = isolatedEnv();
  assert.equal((await runCli(['import', file('first.env', 'SAME=1\nCHANGED=2\n')], { env })).code, 0);
  const modified = async (name: string) => JSON.parse((await runCli(['secrets', 'get', name, '--json'], { env })).stdout).modified as string;
  const before = await modified('SAME');
  const next = file('next.env', 'SAME=1\nCHANGED=3\nNEW=4\n');
  const dry = await runCli(['import', next, '--dry-run'], { env });
  assert.equal(dry.stdout, 'create     NEW\nupdate     CHANGED\nunchanged  SAME\n');
  assert.match(dry.stderr, /dry run: 1 to create, 1 to update, 1 unchanged in store default/);
  const done = await runCli(['import', next, '--json'], { env });
  assert.equal(done.code, 0, done.stderr);
  assert.deepEqual(JSON.parse(done.stdout), { store: 'default', created: ['NEW'], updated: ['CHANGED'], deleted: [], unchanged: ['SAME'] });
  assert.match(done.stderr, /created 1, updated 1, unchanged 1 in store default/);
  assert.equal(await modified('SAME'), before, 'the unchanged secret was not written');
  assert.deepEqual(await values(env), { CHANGED: '3', NEW: '4', SAME: '1' });
});

test('Ctrl-C during an import stops after the request in flight, prints what was written, and exits 130', async () => {
  const serverEnv = isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT });
  const server = await startServer({ env: serverEnv, dataDir: tempDir() });
  // A real HTTP hop in front of the real server that holds the second batch of creates until the test says so.
  let creates = 0;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let reached!: () => void;
  const secondBatch = new Promise<void>((resolve) => (reached = resolve));
  const proxy = createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (chunk: Buffer) => body.push(chunk));
    req.on('end', async () => {
      if (req.method === 'POST' && /\/secrets$/.test(req.url ?? '') && ++creates === 2) {
        reached();
        await released;
      }
      const headers: Record<string, string> = {};
      for (const name of ['authorization', 'content-type', 'accept']) if (typeof req.headers[name] === 'string') headers[name] = req.headers[name];
      const answer = await fetch(`${server.url}${req.url}`, { method: req.method!, headers, ...(body.length > 0 && { body: Buffer.concat(body) }) });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  after(() => proxy.close());
  const port = (proxy.address() as AddressInfo).port;
  const env = isolatedEnv({ SSTORE_API_URL: `http://127.0.0.1:${port}/client/v4`, CLOUDFLARE_ACCOUNT_ID: ACCOUNT, CLOUDFLARE_API_TOKEN: ROOT });
  assert.equal((await runCli(['stores', 'create', 'main'], { env })).code, 0);

  const child = spawn(process.execPath, [BIN, 'import', file('interrupted.env', manyLines(250))], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const stopping = new Promise<void>((resolve) => child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.includes('stopping after the request in flight')) resolve();
  }));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await secondBatch;
  child.kill('SIGINT');
  await stopping;
  release();
  assert.equal(await exited, 130, stderr);
  assert.match(stderr, /^import interrupted: created 200, updated 0 in store main$/m);
  const created = /^created: (.*)$/m.exec(stderr)![1]!.split(', ');
  assert.deepEqual(created, Array.from({ length: 200 }, (_, i) => `S${String(i).padStart(4, '0')}`));
  assert.match(stderr, /^not written \(50\): S0200, .*, S0249$/m);
  assert.match(stderr, /^hint: run the same import again to finish it/m);
  assert.deepEqual(await names(env), created, 'exactly the reported names were written');
});

test('a token without reveal cannot compare values: existing names are updated, never refused', async () => {
  const dataDir = tempDir();
  const serverEnv = isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT });
  const server = await startServer({ env: serverEnv, dataDir });
  const writer = await createToken(serverEnv, dataDir, { name: 'import-writer', permissions: 'read,write', account: ACCOUNT });
  const env = isolatedEnv({ SSTORE_API_URL: server.api, CLOUDFLARE_ACCOUNT_ID: ACCOUNT, CLOUDFLARE_API_TOKEN: writer });
  assert.equal((await runCli(['stores', 'create', 'main'], { env })).code, 0);
  const path = file('writer.env', 'A=1\nB=2\n');
  assert.equal((await runCli(['import', path], { env })).code, 0);
  const again = await runCli(['import', path], { env });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /created 0, updated 2 in store main\n$/);
});
