import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { makeBindings, renderJsonc, renderToml, type BindingFormat } from '../../../bindings/render.ts';
import { SstoreError } from '../../../errors.ts';
import { collect } from '../../../http/pagination.ts';
import { shownName } from '../../../providers/name-problem.ts';
import type { Context } from '../../context.ts';
import { printJson, say } from '../../output.ts';
import { selectStore, withSession } from '../../session.ts';
import type { BindingsOptions } from './index.ts';

function formatOf(options: BindingsOptions): BindingFormat {
  const file = options.write;
  const fromFile = file === undefined ? undefined : extname(file) === '.toml' ? 'toml' : ['.json', '.jsonc'].includes(extname(file)) ? 'jsonc' : undefined;
  if (file !== undefined && fromFile === undefined && options.format === undefined) {
    throw new SstoreError('usage', `cannot tell the format of ${file} from its name`, { reason: 'format_unknown', hint: 'pass --format jsonc or --format toml' });
  }
  if (fromFile !== undefined && options.format !== undefined && options.format !== fromFile) {
    throw new SstoreError('usage', `--format ${options.format} does not match ${file}`, { reason: 'format_mismatch' });
  }
  return options.format ?? fromFile ?? 'jsonc';
}

export async function runBindings(ctx: Context, options: BindingsOptions): Promise<void> {
  const { io, globals } = ctx;
  if (options.write === undefined && (options.dryRun || options.yes)) {
    throw new SstoreError('usage', `${options.dryRun ? '--dry-run' : '--yes'} applies to --write FILE only`, { reason: 'write_only_flag' });
  }
  const format = formatOf(options);
  // Read before any request: a missing or broken file fails fast.
  const original = options.write === undefined ? undefined : readConfig(options.write);
  const { bindings, where, local } = await withSession(ctx, async (session) => {
    const { provider } = session;
    if (!provider.capabilities.nativeStores) {
      throw new SstoreError('unsupported', `Worker bindings name a Cloudflare Secrets Store by id; the ${provider.name} provider has no stores`, {
        reason: 'unsupported',
        hint: 'use a Cloudflare profile (--profile NAME)',
      });
    }
    const store = await selectStore(ctx, session, options.store);
    const secrets = await collect(provider.listSecrets(store.id, { order: 'name', direction: 'asc' }));
    let names = secrets.map((s) => s.name);
    if (options.only !== undefined) {
      const missing = options.only.filter((n) => !names.includes(n));
      if (missing.length > 0) {
        throw new SstoreError('not_found', `no secret named ${missing.map(shownName).join(', ')} in store "${store.name}"`, { reason: 'secret_not_found' });
      }
      names = options.only;
    }
    return {
      bindings: makeBindings(store.id, names, options.bindingCase),
      where: `store ${store.name} (${store.id}) of profile ${session.profile.name}`,
      local: session.local,
    };
  });
  // An embedded store's id exists on this machine only: deployed Workers need the target account's.
  if (local) say(ctx, 'sstore: these are the ids of the embedded store; for a deployed Worker use the profile you sync to (--profile NAME)');
  if (options.write === undefined) {
    if (globals.json) printJson(io, bindings);
    else io.out(format === 'toml' ? renderToml(bindings, `sstore bindings: ${where}`) : renderJsonc(bindings, `sstore bindings: ${where}`));
    return;
  }
  const { writeBindings } = await import('./write.ts');
  await writeBindings(ctx, { file: options.write, original: original!, format, bindings, dryRun: options.dryRun === true, yes: options.yes === true });
}

function readConfig(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new SstoreError('not_found', `${file} does not exist; --write merges into an existing wrangler config`, {
        reason: 'file_missing',
        hint: 'print the block without --write and paste it, or create the file first',
      });
    }
    throw new SstoreError('usage', `cannot read ${file} (${code ?? 'error'})`, { reason: 'file_unreadable' });
  }
}

