import assert from 'node:assert/strict';
import { runCli, type CliResult } from './cli.ts';
import { isolatedEnv } from './env.ts';
import type { ServerProcess } from './server.ts';

export interface ProviderUser {
  env: NodeJS.ProcessEnv;
  /** Runs `sstore --profile <profile> ...args`, with optional stdin and extra environment. */
  run(args: string[], input?: string, extra?: NodeJS.ProcessEnv): Promise<CliResult>;
}

/**
 * A user with no keychain (the token lands in the 0600 file) who added a profile for `provider` on the server and
 * logged in with `token`, through the real binary.
 */
export async function providerUser(
  server: ServerProcess,
  options: { profile: string; provider: 'sgp' | 'neostore'; account: string; token: string },
): Promise<ProviderUser> {
  const env = isolatedEnv();
  delete env.DBUS_SESSION_BUS_ADDRESS;
  const run = (args: string[], input?: string, extra: NodeJS.ProcessEnv = {}) =>
    runCli(['--profile', options.profile, ...args], { env: { ...env, ...extra }, ...(input !== undefined && { input }) });
  const add = await runCli(
    ['profile', 'add', options.profile, '--provider', options.provider, '--url', server.url, '--account', options.account],
    { env },
  );
  assert.equal(add.code, 0, add.stderr);
  const login = await runCli(['login', '--profile', options.profile], { env, input: `${options.token}\n` });
  assert.equal(login.code, 0, login.stderr);
  return { env, run };
}

/** Requests in the server's access log so far: a command refused before any request leaves the count unchanged. */
export function requestCount(server: ServerProcess): number {
  return server.stderr().split('\n').filter((line) => / (GET|POST|PATCH|PUT|DELETE) \//.test(line)).length;
}

/** A one-line refusal: the exit code, the message on stderr, no stack trace, nothing on stdout. */
export function assertRefused(result: CliResult, code: number, message: RegExp): void {
  assert.equal(result.code, code, `exit ${result.code}: ${result.stderr}`);
  assert.match(result.stderr, message);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(result.stdout, '');
}
