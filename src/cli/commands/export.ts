import { Option, type Command } from 'commander';
import { completeWith } from '../../completion/kinds.ts';
import { NAME_TRANSFORMS, type NameTransform } from '../../formats/names.ts';
import { EXPORT_FORMATS, type ExportFormat } from '../../formats/types.ts';
import { contextFor, examples } from '../context.ts';
import { commaList } from '../options.ts';

interface ExportOptions {
  store?: string;
  format: ExportFormat;
  output?: string;
  only?: string[];
  prefix?: string;
  nameTransform: NameTransform;
}

/**
 * `sstore export`: the store's values in a format other tools read. Values go to stdout or to the -o file (created
 * 0600), nowhere else; `github` appends to $GITHUB_ENV and prints only `::add-mask::` commands on stdout.
 */
export function registerExport(program: Command): void {
  const command = program
    .command('export')
    .description('Print the store\'s secrets as dotenv, JSON, YAML, shell exports or GitHub Actions environment')
    .addOption(completeWith(new Option('--store <store>', "store name or id (default: the profile's, else the only one)"), 'store'))
    .addOption(new Option('-f, --format <format>', 'output format').choices(EXPORT_FORMATS).default('dotenv'))
    .addOption(completeWith(new Option('-o, --output <file>', 'write to this file (created with mode 0600) instead of stdout'), 'file'))
    .addOption(completeWith(new Option('--only <names>', 'comma-separated secret names: only these (each must exist)').argParser(commaList), 'secret'))
    .option('--prefix <prefix>', 'put this before every variable name (e.g. APP_)')
    .addOption(new Option('--name-transform <how>', 'names: exactly the secret names, or upper-snake (db-password → DB_PASSWORD)').choices(NAME_TRANSFORMS).default('none'));
  examples(
    command,
    'sstore export > .env                                   # dotenv; `sstore import .env` reads it back',
    'sstore export --format json -o secrets.json            # the file is created 0600',
    'eval "$(sstore export --format shell)"                 # safe to eval: every value single-quoted',
    'sstore export --format github                          # in a GitHub Actions step: masks, then appends to $GITHUB_ENV',
    'sstore export --format shell --name-transform upper-snake   # db-password as DB_PASSWORD',
  );
  command.action(async (options: ExportOptions, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ withSession, selectStore }, { requireValues, readValues }, { renderExport }, { renameEntries }, files, { SstoreError }, { say }] = await Promise.all([
      import('../session.ts'),
      import('../values.ts'),
      import('../../formats/export.ts'),
      import('../../formats/names.ts'),
      import('../../formats/private-file.ts'),
      import('../../errors.ts'),
      import('../output.ts'),
    ]);
    // $GITHUB_ENV (or -o) is checked before any request, so a misconfigured step fails without reading a value.
    const target = options.format === 'github' ? (options.output ?? ctx.io.env.GITHUB_ENV) : options.output;
    if (options.format === 'github' && !target) {
      throw new SstoreError('usage', '--format github appends to $GITHUB_ENV, which is not set (not in a GitHub Actions step?)', {
        hint: 'name a file with -o FILE',
      });
    }
    const { entries, storeName } = await withSession(ctx, async (session) => {
      requireValues(session, 'export');
      const store = await selectStore(ctx, session, options.store);
      return { entries: await readValues(session.provider, store, options.only), storeName: store.name };
    });
    const renamed = renameEntries(entries, { transform: options.nameTransform, ...(options.prefix !== undefined && { prefix: options.prefix }) });
    const rendered = renderExport(options.format, renamed);
    // The masks reach the runner's log before any value could.
    if (rendered.commands !== '') ctx.io.stdout.write(rendered.commands);
    if (options.format === 'github') files.appendPrivateFile(target!, rendered.body);
    else if (target !== undefined) files.writePrivateFile(target, rendered.body);
    else ctx.io.stdout.write(rendered.body);
    if (target !== undefined) say(ctx, `exported ${entries.length} ${entries.length === 1 ? 'secret' : 'secrets'} from store ${storeName} to ${target}`);
  });
}
