import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import dotenv from 'dotenv';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { providerUser } from '../helpers/provider-user.ts';
import { startServer } from '../helpers/server.ts';

// Names round-trip exactly: `-`, mixed case and leading digits survive import, every export format and run, on
// every provider, over HTTP and in-process. (`.` is a dotenv name no provider takes: import reads it, and the
// provider's own rule refuses it in one line.)

const ROOT = 'root-token-for-name-tests';
const ACCOUNT = '0123456789abcdef0123456789abcdef';
const dir = tempDir();
const server = await startServer({ env: isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT }), dataDir: tempDir() });

interface User {
  label: string;
  /** Values can be read back (run, export). */
  readable: boolean;
  names: string[];
  run(args: string[], input?: string, extra?: NodeJS.ProcessEnv): Promise<CliResult>;
}

const CLOUDFLARE_NAMES = ['my-key', 'MY-KEY', 'Mixed_Case', '2fa-code', 'under_score'];
const NEOSTORE_NAMES = ['my-key', 'MY-KEY', 'Mixed-Case', '2fa-code'];
const SGP_NAMES = ['my-key', '2fa-code', 'db-password-2'];

function valueFor(name: string): string {
  return name === '2fa-code' ? `two\nlines "q" 'x' of ${name}` : `value of ${name}`;
}

function dotenvFile(names: readonly string[], file: string): string {
  const path = join(dir, file);
  writeFileSync(path, names.map((n) => `${n}="${valueFor(n).replace(/\n/g, '\\n')}"`).join('\n') + '\n');
  return path;
}

function localUser(label: string, provider: 'cloudflare' | 'sgp' | 'neostore', names: string[]): User {
  const env = isolatedEnv();
  let added = provider === 'cloudflare';
  return {
    label,
    readable: provider !== 'sgp',
    names,
    async run(args, input, extra = {}) {
      if (!added) {
        const add = await runCli(['profile', 'add', `dev-${provider}`, '--provider', provider, '--local'], { env });
        assert.equal(add.code, 0, add.stderr);
        added = true;
      }
      const profile = provider === 'cloudflare' ? [] : ['--profile', `dev-${provider}`];
      return runCli([...profile, ...args], { env: { ...env, ...extra }, ...(input !== undefined && { input }) });
    },
  };
}

async function serverUsers(): Promise<User[]> {
  const cfEnv = isolatedEnv({ SSTORE_API_URL: server.api, CLOUDFLARE_ACCOUNT_ID: ACCOUNT, CLOUDFLARE_API_TOKEN: ROOT });
  assert.equal((await runCli(['stores', 'create', 'main'], { env: cfEnv })).code, 0);
  const sgp = await providerUser(server, { profile: 'gp', provider: 'sgp', account: 'acct-names', token: ROOT });
  const neo = await providerUser(server, { profile: 'neo', provider: 'neostore', account: 'tenant-names', token: ROOT });
  return [
    {
      label: 'cloudflare over HTTP',
      readable: true,
      names: CLOUDFLARE_NAMES,
      run: (args, input, extra = {}) => runCli(args, { env: { ...cfEnv, ...extra }, ...(input !== undefined && { input }) }),
    },
    { label: 'sgp over HTTP', readable: false, names: SGP_NAMES, run: sgp.run },
    { label: 'neostore over HTTP', readable: true, names: NEOSTORE_NAMES, run: neo.run },
  ];
}

const users: User[] = [
  ...(await serverUsers()),
  localUser('cloudflare in-process (local)', 'cloudflare', CLOUDFLARE_NAMES),
  localUser('sgp in-process (--local)', 'sgp', SGP_NAMES),
  localUser('neostore in-process (--local)', 'neostore', NEOSTORE_NAMES),
];

function yamlToObject(text: string): Record<string, string> {
  const path = join(dir, `y-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, text);
  const run = spawnSync('python3', ['-c', 'import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1], encoding="utf-8"))))', path], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as Record<string, string>;
}

function ok(result: CliResult, what: string): CliResult {
  assert.equal(result.code, 0, `${what}: exit ${result.code}: ${result.stderr}`);
  return result;
}

for (const user of users) {
  test(`${user.label}: import keeps names exactly; export (every format) and run keep them or refuse in one line`, async () => {
    const expected = Object.fromEntries(user.names.map((n) => [n, valueFor(n)]));
    const slug = user.label.replace(/\W+/g, '-');
    const source = dotenvFile(user.names, `${slug}.env`);
    const imported = ok(await user.run(['import', source]), 'import');
    assert.match(imported.stderr, new RegExp(`created ${user.names.length}, updated 0 in store`));
    const listed = ok(await user.run(['secrets', 'list', '-q']), 'list');
    assert.deepEqual(listed.stdout.split('\n').filter(Boolean).sort(), [...user.names].sort());

    const dotted = await user.run(['import', dotenvFile(['a.b'], `${slug}-dotted.env`)]);
    assert.equal(dotted.code, 2);
    assert.match(dotted.stderr, /dotted\.env:1: invalid .*"a\.b": character 2 is "\."/);

    if (!user.readable) {
      // Write-only: what can be said is "update" (values cannot be compared), never a rename or a deletion.
      const again = JSON.parse(ok(await user.run(['import', source, '--prune', '--dry-run', '--json']), 'dry run').stdout);
      assert.deepEqual(again, { store: again.store, dry_run: true, create: [], update: user.names, unchanged: [], delete: [] });
      const exported = await user.run(['export']);
      assert.equal(exported.code, 2);
      assert.match(exported.stderr, /never returns them/);
      return;
    }

    const unchangedPlan = { create: [], update: [], unchanged: user.names, delete: [] };
    const asDotenv = ok(await user.run(['export']), 'export dotenv').stdout;
    assert.deepEqual({ ...dotenv.parse(asDotenv) }, expected, 'the dotenv package reads the exact names back');
    const asJson = ok(await user.run(['export', '--format', 'json']), 'export json').stdout;
    assert.deepEqual(JSON.parse(asJson), expected);
    assert.deepEqual(yamlToObject(ok(await user.run(['export', '--format', 'yaml']), 'export yaml').stdout), expected);
    for (const [format, text] of [['dotenv', asDotenv], ['json', asJson]] as const) {
      const back = join(dir, `${slug}-back.${format === 'json' ? 'json' : 'env'}`);
      writeFileSync(back, text);
      const plan = JSON.parse(ok(await user.run(['import', back, '--prune', '--dry-run', '--json']), `re-import ${format}`).stdout);
      const { store: _store, dry_run: _dry, ...rest } = plan;
      assert.deepEqual({ ...rest, unchanged: [...rest.unchanged].sort() }, { ...unchangedPlan, unchanged: [...user.names].sort() }, `${format}: nothing to create, update or delete`);
    }
    const rerun = ok(await user.run(['import', source]), 'import again');
    assert.match(rerun.stderr, new RegExp(`created 0, updated 0, unchanged ${user.names.length} in store`));

    const githubEnv = join(dir, `${slug}.github-env`);
    for (const format of ['shell', 'github']) {
      const refused = await user.run(['export', '--format', format], undefined, { GITHUB_ENV: githubEnv });
      assert.equal(refused.code, 2, refused.stderr);
      assert.equal(refused.stdout, '');
      assert.match(refused.stderr, new RegExp(`^error: secret "[^"]+" is not a shell variable name, so --format ${format} cannot hold it\\nhint: --name-transform upper-snake exports it as \\w+; or use --format dotenv, json or yaml, which keep names exactly\\n$`));
    }
    assert.ok(!existsSync(githubEnv) || readFileSync(githubEnv, 'utf8') === '', 'a refused github export appends nothing');
    const collision = await user.run(['export', '--format', 'shell', '--name-transform', 'upper-snake']);
    assert.equal(collision.code, 2);
    assert.match(collision.stderr, /^error: secrets "(my-key|MY-KEY)" and "(my-key|MY-KEY)" would both become MY_KEY\n/);
    const transformed = ok(await user.run(['export', '--format', 'shell', '--name-transform', 'upper-snake', '--only', 'my-key,2fa-code']), 'shell export, transformed');
    assert.equal(transformed.stdout, `export MY_KEY='value of my-key'\nexport _2FA_CODE='${valueFor('2fa-code').replace(/'/g, `'\\''`)}'\n`);

    const printEnv = `console.log(JSON.stringify(Object.fromEntries(${JSON.stringify(user.names)}.map((n) => [n, process.env[n]]))))`;
    const ran = ok(await user.run(['run', '--', process.execPath, '-e', printEnv]), 'run');
    assert.deepEqual(JSON.parse(ran.stdout), expected, 'run sets the exact names');
    const runCollision = await user.run(['run', '--name-transform', 'upper-snake', '--', process.execPath, '-e', '']);
    assert.equal(runCollision.code, 2);
    assert.match(runCollision.stderr, /^error: secrets "(my-key|MY-KEY)" and "(my-key|MY-KEY)" would both become MY_KEY\n/);
    const shellNames = ok(await user.run(['run', '--name-transform', 'upper-snake', '--only', 'my-key,2fa-code', '--', 'sh', '-c', 'printf "%s|%s" "$MY_KEY" "$_2FA_CODE"']), 'run, transformed');
    assert.equal(shellNames.stdout, `value of my-key|${valueFor('2fa-code')}`);
  });
}
