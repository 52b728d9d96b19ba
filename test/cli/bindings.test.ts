import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { parse as parseToml } from 'smol-toml';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { ROOT as REPO, isolatedEnv, tempDir } from '../helpers/env.ts';
import { startServer } from '../helpers/server.ts';

/**
 * `sstore bindings` against a real local server acting as Cloudflare: the block it prints read back by a JSONC and a
 * TOML parser and checked against wrangler's own config schema (test/fixtures/wrangler/, from wrangler 4.164.0);
 * `--write` merging into files with comments.
 */

// jsonc-parser's main is a UMD module: required, as wrangler and VS Code load it.
const jsonc = createRequire(import.meta.url)('jsonc-parser') as typeof import('jsonc-parser');
const schema = JSON.parse(readFileSync(join(REPO, 'test/fixtures/wrangler/config-schema.json'), 'utf8')) as object;
// The schema carries wrangler's own keywords (allowTrailingCommas, markdownDescription): not strict about those.
const validateConfig = new Ajv({ strict: false, allErrors: true }).compile(schema);

// The validator is live: a binding without its store id is not a wrangler config.
assert.equal(validateConfig({ secrets_store_secrets: [{ binding: 'A', secret_name: 'a' }] }), false);

function assertWranglerConfig(config: unknown): void {
  assert.ok(validateConfig(config), JSON.stringify(validateConfig.errors));
}

function parseJsonc(text: string): Record<string, unknown> {
  const errors: import('jsonc-parser').ParseError[] = [];
  const value = jsonc.parse(text, errors, { allowTrailingComma: true }) as Record<string, unknown>;
  assert.deepEqual(errors, [], text);
  return value;
}

async function ok(result: Promise<CliResult>): Promise<CliResult> {
  const done = await result;
  assert.equal(done.code, 0, done.stderr);
  return done;
}

const ACCOUNT = '0123456789abcdef0123456789abcdef';
const TOKEN = 'root-token-for-bindings-tests';
const server = await startServer({ env: isolatedEnv({ SSTORE_ROOT_TOKEN: TOKEN }), dataDir: tempDir() });
const env = isolatedEnv({ SSTORE_API_URL: server.api, CLOUDFLARE_ACCOUNT_ID: ACCOUNT, CLOUDFLARE_API_TOKEN: TOKEN });
const storeId = (JSON.parse((await ok(runCli(['stores', 'create', 'main', '--json'], { env }))).stdout) as { id: string }).id;
for (const name of ['DB_PASSWORD', 'api-key', 'sessionSecret']) await ok(runCli(['secrets', 'put', name, '--store', 'main'], { env, input: 'x' }));
const dir = tempDir();

test('jsonc and toml output parse, pass wrangler\'s config schema, and name each secret of the store by id', async () => {
  const fromJsonc = parseJsonc((await ok(runCli(['bindings'], { env }))).stdout);
  assertWranglerConfig(fromJsonc);
  assert.deepEqual(fromJsonc, {
    secrets_store_secrets: [
      { binding: 'DB_PASSWORD', store_id: storeId, secret_name: 'DB_PASSWORD' },
      { binding: 'API_KEY', store_id: storeId, secret_name: 'api-key' },
      { binding: 'SESSION_SECRET', store_id: storeId, secret_name: 'sessionSecret' },
    ],
  });
  const toml = (await ok(runCli(['bindings', '--format', 'toml', '--binding-case', 'camel'], { env }))).stdout;
  const fromToml = JSON.parse(JSON.stringify(parseToml(toml))) as { secrets_store_secrets: Array<{ binding: string; secret_name: string }> };
  assertWranglerConfig(fromToml);
  assert.deepEqual(Object.fromEntries(fromToml.secrets_store_secrets.map((b) => [b.secret_name, b.binding])), {
    DB_PASSWORD: 'dbPassword',
    'api-key': 'apiKey',
    sessionSecret: 'sessionSecret',
  });
  const asIs = JSON.parse((await ok(runCli(['bindings', '--binding-case', 'as-is', '--only', 'api-key', '--json'], { env }))).stdout);
  assert.deepEqual(asIs, [{ binding: 'api-key', store_id: storeId, secret_name: 'api-key' }]);

  // Two names that would share a binding, a missing name, a provider with no stores: one line each, exit 2 or 3.
  await ok(runCli(['secrets', 'put', 'API_KEY', '--store', 'main'], { env, input: 'x' }));
  const collision = await runCli(['bindings', '--store', 'main'], { env });
  assert.equal(collision.code, 2);
  assert.match(collision.stderr, /^error: secrets "API_KEY" and "api-key" would both be bound as API_KEY\nhint: --only leaves one of them out/m);
  await ok(runCli(['secrets', 'rm', 'API_KEY', '--store', 'main', '--yes'], { env }));
  const missing = await runCli(['bindings', '--only', 'NOPE'], { env });
  assert.equal(missing.code, 3);
  const sgp = await runCli(['bindings'], { env: isolatedEnv({ SSTORE_API_URL: server.url, SGP_ACCOUNT_ID: 'acct', SGP_API_KEY: TOKEN }) });
  assert.equal(sgp.code, 2);
  assert.match(sgp.stderr, /^error: Worker bindings name a Cloudflare Secrets Store by id; the sgp provider has no stores$/m);
});

const JSONC_CONFIG = `// The Worker of the shop
{
  "$schema": "node_modules/wrangler/config-schema.json",
  "name": "shop", /* keep this name */
  "main": "src/index.ts",
  "compatibility_date": "2026-01-01",
  "secrets_store_secrets": [
    // bound by hand, from another store
    { "binding": "LEGACY", "store_id": "feedfacefeedfacefeedfacefeedface", "secret_name": "legacy" },
    { "binding": "API_KEY", "store_id": "00000000000000000000000000000000", "secret_name": "api-key" }, // stale id
  ],
  "vars": { "MODE": "production" } // plain vars
}
`;

test('--write into wrangler.jsonc: the diff first, --yes required without a terminal, comments and other keys kept, a second run changes nothing', async () => {
  const file = join(dir, 'wrangler.jsonc');
  writeFileSync(file, JSONC_CONFIG);
  chmodSync(file, 0o644);
  const refused = await runCli(['bindings', '--write', file], { env });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /pass --yes to confirm \(no terminal to ask on\)/);
  assert.match(refused.stdout, /^--- .*wrangler\.jsonc\n\+\+\+ .*wrangler\.jsonc\n@@ /, 'the diff is shown even when the write is refused');
  assert.equal(readFileSync(file, 'utf8'), JSONC_CONFIG);
  const dry = await ok(runCli(['bindings', '--write', file, '--dry-run'], { env }));
  assert.equal(dry.stdout, refused.stdout);
  assert.equal(readFileSync(file, 'utf8'), JSONC_CONFIG);

  const written = await ok(runCli(['bindings', '--write', file, '--yes'], { env }));
  assert.match(written.stderr, /wrote 3 bindings into .*wrangler\.jsonc/);
  const after = readFileSync(file, 'utf8');
  for (const line of JSONC_CONFIG.split('\n').filter((l) => l.includes('//') || l.includes('/*'))) {
    const comment = line.slice(Math.min(...['//', '/*'].map((c) => line.indexOf(c)).filter((i) => i >= 0)));
    assert.ok(after.includes(comment), `the comment ${comment} is kept`);
  }
  assert.equal(statSync(file).mode & 0o777, 0o644, 'the file keeps its mode');
  const config = parseJsonc(after);
  assertWranglerConfig(config);
  assert.equal(config.name, 'shop');
  assert.deepEqual(config.vars, { MODE: 'production' });
  assert.deepEqual(config.secrets_store_secrets, [
    { binding: 'LEGACY', store_id: 'feedfacefeedfacefeedfacefeedface', secret_name: 'legacy' },
    { binding: 'API_KEY', store_id: storeId, secret_name: 'api-key' },
    { binding: 'DB_PASSWORD', store_id: storeId, secret_name: 'DB_PASSWORD' },
    { binding: 'SESSION_SECRET', store_id: storeId, secret_name: 'sessionSecret' },
  ]);
  // The diff shows exactly what changed: the stale id replaced, two bindings added.
  assert.deepEqual(written.stdout.split('\n').filter((l) => /^[-+][^-+]/.test(l)).map((l) => l[0]), ['-', '+', '+', '+']);

  const again = await ok(runCli(['bindings', '--write', file], { env }));
  assert.equal(again.stdout, '');
  assert.match(again.stderr, /already has these 3 bindings; nothing to write/);
  assert.equal(readFileSync(file, 'utf8'), after);
});

const TOML_CONFIG = `# The Worker of the shop
name = "shop" # keep this name
main = "src/index.ts"
compatibility_date = "2026-01-01"

# bound by hand
[[secrets_store_secrets]]
binding = "LEGACY"
store_id = "feedfacefeedfacefeedfacefeedface"
secret_name = "legacy"

[vars]
MODE = "production" # plain vars
`;

test('--write into wrangler.toml keeps comments and other tables, and refuses what it cannot merge', async () => {
  const file = join(dir, 'wrangler.toml');
  writeFileSync(file, TOML_CONFIG);
  await ok(runCli(['bindings', '--write', file, '--yes', '--only', 'DB_PASSWORD,api-key'], { env }));
  const after = readFileSync(file, 'utf8');
  for (const comment of ['# The Worker of the shop', '# keep this name', '# bound by hand', '# plain vars']) assert.ok(after.includes(comment), comment);
  const config = JSON.parse(JSON.stringify(parseToml(after))) as Record<string, unknown>;
  assertWranglerConfig(config);
  assert.deepEqual(config.vars, { MODE: 'production' });
  assert.deepEqual(config.secrets_store_secrets, [
    { binding: 'LEGACY', store_id: 'feedfacefeedfacefeedfacefeedface', secret_name: 'legacy' },
    { binding: 'DB_PASSWORD', store_id: storeId, secret_name: 'DB_PASSWORD' },
    { binding: 'API_KEY', store_id: storeId, secret_name: 'api-key' },
  ]);
  assert.ok(after.startsWith(TOML_CONFIG.slice(0, TOML_CONFIG.indexOf('[vars]'))), 'the new tables follow the existing one');

  const inline = join(dir, 'inline.toml');
  writeFileSync(inline, 'name = "x"\nsecrets_store_secrets = [ { binding = "A", store_id = "s", secret_name = "a" } ]\n');
  const refused = await runCli(['bindings', '--write', inline, '--yes'], { env });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /secrets_store_secrets is written as an inline array; nothing was written/);
  const broken = join(dir, 'broken.jsonc');
  writeFileSync(broken, '{ "name": "x", }\n}\n');
  const bad = await runCli(['bindings', '--write', broken, '--yes'], { env });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /broken\.jsonc: not valid JSONC: .* on line 2; nothing was written/);
  const absent = await runCli(['bindings', '--write', join(dir, 'none.toml'), '--yes'], { env });
  assert.equal(absent.code, 3);
  const mismatch = await runCli(['bindings', '--write', file, '--format', 'jsonc'], { env });
  assert.equal(mismatch.code, 2);
  assert.match(mismatch.stderr, /--format jsonc does not match/);
});
