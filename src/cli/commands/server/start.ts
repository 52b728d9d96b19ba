import { Option, type Command } from 'commander';
import { LOCAL_ACCOUNT_ID } from '../../../http/in-process.ts';
import { SstoreError } from '../../../errors.ts';
import { LIMIT_PRESETS, limitsFor } from '../../../engine/limits.ts';
import type { Limits } from '../../../engine/types.ts';
import { contextFor, exampleSection } from '../../context.ts';
import { wholeNumber } from '../../options.ts';
import { DATABASE_FLAGS, DATABASE_HELP, targetFrom, type TargetOptions } from './target.ts';

interface StartOptions extends TargetOptions {
  host: string;
  port: number;
  rootToken?: string;
  limits: string;
  quota?: number;
  maxStores?: number;
  maxValueBytes?: number;
  maxBodyBytes?: number;
  keepVersions?: number;
}

export function registerServerStart(server: Command): void {
  server
    .command('start')
    .description('Run the local API server: Cloudflare Secrets Store (and the other providers) offline, encrypted at rest')
    .option('--host <host>', 'address to listen on (other than loopback prints a warning)', '127.0.0.1')
    .option('--port <port>', 'port to listen on; 0 picks a free one', wholeNumber(0, 65_535), 8787)
    .option('--data <dir>', 'data directory (default: SSTORE_DATA_DIR, else the user data dir)')
    .option(DATABASE_FLAGS, DATABASE_HELP)
    .addOption(new Option('--root-token <token>', 'fixed admin token (prefer SSTORE_ROOT_TOKEN: argv is visible to other users)').env('SSTORE_ROOT_TOKEN'))
    .addOption(new Option('--limits <preset>', 'limits preset: default (generous) or cloudflare (the live service: 1 store, 100 secrets)').choices(Object.keys(LIMIT_PRESETS)).default('default'))
    .option('--quota <n>', 'secrets per account', wholeNumber(0, 100_000_000))
    .option('--max-stores <n>', 'stores per account', wholeNumber(0, 1_000_000))
    .option('--max-value-bytes <n>', 'largest secret value in bytes', wholeNumber(1, 16 * 1024 * 1024))
    .option('--max-body-bytes <n>', 'largest request body in bytes', wholeNumber(1024, 1024 * 1024 * 1024))
    .option('--keep-versions <n>', "earlier values kept per secret, for `secrets history` and rollback (default 10; 0 keeps none)", wholeNumber(0, 10_000))
    .addHelpText(
      'after',
      exampleSection(
        'sstore server start                          # http://127.0.0.1:8787, prints a root token on first start',
        'sstore server start --port 0 --data ./tmp     # a free port and a throwaway store',
        'SSTORE_DATABASE_URL=postgres://sstore@db/sstore SSTORE_MASTER_KEY=... sstore server start --host 0.0.0.0',
        'SSTORE_ROOT_TOKEN=dev sstore server start --limits cloudflare',
        'curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8787/client/v4/accounts/$ACCOUNT/secrets_store/stores',
      ),
    )
    .action(async (options: StartOptions, command: Command) => {
      const ctx = contextFor(command);
      const { io } = ctx;
      if (command.getOptionValueSource('rootToken') === 'cli') {
        io.err('sstore: warning: --root-token is visible to other users in the process list; prefer SSTORE_ROOT_TOKEN');
      }
      const overrides: Partial<Limits> = {
        ...(options.quota !== undefined && { maxSecretsPerAccount: options.quota }),
        ...(options.maxStores !== undefined && { maxStoresPerAccount: options.maxStores }),
        ...(options.maxValueBytes !== undefined && { maxValueBytes: options.maxValueBytes }),
        ...(options.maxBodyBytes !== undefined && { maxBodyBytes: options.maxBodyBytes }),
        ...(options.keepVersions !== undefined && { keepVersions: options.keepVersions }),
      };
      const target = targetFrom(options, ctx);
      if (options.rootToken !== undefined && options.rootToken.length < 8) {
        throw new SstoreError('usage', 'the root token must be at least 8 characters');
      }
      // Listened for before start-up, so a signal that arrives while starting still shuts down cleanly.
      const signalled = new Promise<string>((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      });
      const { startServer } = await import('../../../server/start.ts');
      const running = await startServer({
        target,
        host: options.host,
        port: options.port,
        limits: limitsFor(options.limits, overrides),
        account: LOCAL_ACCOUNT_ID,
        ...(options.rootToken !== undefined && { rootToken: options.rootToken }),
        out: io.out,
        err: io.err,
      });
      const signal = await signalled;
      io.err(`sstore: ${signal}: finishing in-flight requests and closing the store`);
      await running.close();
    });
}
