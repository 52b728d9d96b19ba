import assert from 'node:assert/strict';
import { storageFor } from './backend.ts';
import { runCli } from './cli.ts';

export interface TokenSpec {
  name: string;
  /** As a user types it: `read,write`, `Secret.Read`, … */
  permissions: string;
  account?: string;
}

/** Creates a server token with the real CLI (`sstore server token create … --json`) and returns its secret. */
export async function createToken(env: NodeJS.ProcessEnv, dataDir: string, spec: TokenSpec): Promise<string> {
  const storage = await storageFor(dataDir, env);
  const args = ['server', 'token', 'create', '--name', spec.name, '--permissions', spec.permissions, ...storage.args, '--json'];
  if (spec.account !== undefined) args.push('--account', spec.account);
  const result = await runCli(args, { env: storage.env });
  assert.equal(result.code, 0, `token create failed: ${result.stderr}`);
  const token = (JSON.parse(result.stdout) as { token: string }).token;
  assert.match(token, /^sst_/);
  return token;
}
