import type { Command } from 'commander';
import { microsToIso } from '../../../engine/clock.ts';
import { localActor } from '../../../engine/actor.ts';
import type { Engine } from '../../../engine/engine.ts';
import { PERMISSIONS, type Permission } from '../../../engine/types.ts';
import { SstoreError } from '../../../errors.ts';
import { type Context, contextFor, exampleSection } from '../../context.ts';
import { commaList } from '../../options.ts';
import { printJson, printTable } from '../../output.ts';
import { DATABASE_FLAGS, DATABASE_HELP, targetFrom, type TargetOptions } from './target.ts';

/** Provider-native names for the same permissions, so a Neostore user can say what they know. */
const PERMISSION_ALIASES: Record<string, Permission> = {
  'secret.read': 'read',
  'secret.write': 'write',
};

export function parsePermissions(list: string[]): Permission[] {
  if (list.length === 0) throw new SstoreError('usage', `--permissions needs at least one of ${PERMISSIONS.join(', ')}`);
  return list.map((raw) => {
    const name = raw.toLowerCase();
    const permission = PERMISSION_ALIASES[name] ?? name;
    if (!(PERMISSIONS as readonly string[]).includes(permission)) {
      throw new SstoreError('usage', `unknown permission "${raw}" (expected ${PERMISSIONS.join(', ')})`);
    }
    return permission as Permission;
  });
}

/** `create: false` for commands that only read or remove: they never create a store where there is none. */
export async function withEngine<T>(ctx: Context, where: TargetOptions, work: (engine: Engine) => Promise<T>, options: { create: boolean } = { create: true }): Promise<T> {
  const { openEngine } = await import('../../../engine/open.ts');
  const { keyNotice } = await import('../../../engine/master-key.ts');
  const engine = await openEngine({
    target: targetFrom(where, ctx),
    onKeyCreated: (key) => ctx.io.err(keyNotice(key)),
    create: options.create,
  });
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}

export function registerServerToken(server: Command): void {
  const token = server.command('token').description("Manage the local server's API tokens (takes effect at once, even while it runs)");

  token
    .command('create')
    .description('Create a token and print it once (it is stored only as a hash)')
    .requiredOption('--name <name>', 'a unique name for the token')
    .requiredOption('--permissions <list>', 'comma-separated: read, write, reveal, audit (the audit trail), admin (all) (Secret.Read/Secret.Write also work)', commaList)
    .option('--account <id>', 'bind the token to one account (or SGP account, or Neostore tenant)')
    .option('--service <name>', 'the calling service this token acts as on /system routes (managed_by)')
    .option('--data <dir>', 'data directory of the server')
    .option(DATABASE_FLAGS, DATABASE_HELP)
    .addHelpText(
      'after',
      exampleSection(
        'sstore server token create --name ci --permissions read,write',
        'sstore server token create --name runner --permissions read,reveal --account 0123abcd --json | jq -r .token',
        'sstore server token create --name svc --permissions read,write --service my-service',
      ),
    )
    .action(async (options: { name: string; permissions: string[]; account?: string; service?: string; data?: string; database?: string }, command: Command) => {
      const ctx = contextFor(command);
      const permissions = parsePermissions(options.permissions);
      const { token: secret, record } = await withEngine(ctx, options, (engine) =>
        engine.createToken({ name: options.name, permissions, account: options.account ?? null, service: options.service ?? null }, localActor()),
      );
      if (ctx.globals.json) {
        printJson(ctx.io, { token: secret, id: record.id, name: record.name, permissions: record.permissions, account: record.account, service: record.service });
      } else if (ctx.globals.quiet || !ctx.io.stdoutIsTTY) {
        ctx.io.out(secret);
      } else {
        ctx.io.out(secret);
        ctx.io.err(`created token "${record.name}" (${record.permissions.join(', ')}); it will not be shown again`);
      }
    });

  token
    .command('list')
    .description('List tokens (never their values)')
    .option('--data <dir>', 'data directory of the server')
    .option(DATABASE_FLAGS, DATABASE_HELP)
    .action(async (options: { data?: string; database?: string }, command: Command) => {
      const ctx = contextFor(command);
      const tokens = await withEngine(ctx, options, (engine) => engine.listTokens(), { create: false });
      if (ctx.globals.json) {
        printJson(ctx.io, tokens.map((t) => ({ id: t.id, name: t.name, permissions: t.permissions, account: t.account, service: t.service, created: microsToIso(t.created) })));
      } else if (ctx.globals.quiet) {
        for (const t of tokens) ctx.io.out(t.name);
      } else if (tokens.length === 0) {
        ctx.io.err('no tokens');
      } else {
        await printTable(ctx.io, ['NAME', 'ID', 'PERMISSIONS', 'ACCOUNT', 'SERVICE', 'CREATED'], tokens.map((t) => [t.name, t.id, t.permissions.join(','), t.account ?? '', t.service ?? '', microsToIso(t.created)]));
      }
    });

  token
    .command('revoke')
    .description('Revoke a token by name or id')
    .argument('<name-or-id>')
    .option('--data <dir>', 'data directory of the server')
    .option(DATABASE_FLAGS, DATABASE_HELP)
    .action(async (nameOrId: string, options: { data?: string; database?: string }, command: Command) => {
      const ctx = contextFor(command);
      const removed = await withEngine(ctx, options, (engine) => engine.revokeToken(nameOrId, localActor()), { create: false });
      if (!removed) throw new SstoreError('not_found', `no token named "${nameOrId}"`);
      if (!ctx.globals.quiet) ctx.io.err(`revoked token "${nameOrId}"`);
    });
}
