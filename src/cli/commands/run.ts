import { Option, type Command } from 'commander';
import { completeWith } from '../../completion/kinds.ts';
import { NAME_TRANSFORMS, type NameTransform } from '../../formats/names.ts';
import { contextFor, examples } from '../context.ts';
import { commaList } from '../options.ts';

interface RunOptions {
  store?: string;
  only?: string[];
  prefix?: string;
  nameTransform: NameTransform;
  mask?: boolean;
  override?: boolean;
}

/**
 * `sstore run -- <command...>`: the store's values as environment variables of a child process. The session (and
 * the embedded store's database) is closed before the child starts, so a long-running child holds nothing open;
 * sstore then only forwards signals and, with --mask, filters the child's output.
 */
export function registerRun(program: Command): void {
  const command = program
    .command('run')
    .description("Run a command with the store's secrets as environment variables; exits with the command's exit code")
    .usage('[options] -- <command...>')
    .argument('<command...>', 'the command and its arguments, after --')
    .addOption(completeWith(new Option('--store <store>', "store name or id (default: the profile's, else the only one)"), 'store'))
    .addOption(completeWith(new Option('--only <names>', 'comma-separated secret names: only these (each must exist)').argParser(commaList), 'secret'))
    .option('--prefix <prefix>', 'put this before every variable name (e.g. APP_)')
    .addOption(new Option('--name-transform <how>', 'variable names: the exact secret names, or upper-snake (db-password → DB_PASSWORD)').choices(NAME_TRANSFORMS).default('none'))
    .option('--override', 'secrets replace variables that are already set (default: the environment wins)')
    .option('--mask', "replace every secret value (of 4+ characters) in the command's output with *****");
  examples(
    command,
    'sstore run -- npm test',
    'sstore run --store ci --only DB_URL,API_KEY -- ./deploy.sh',
    "sstore run --mask -- sh -c 'echo $DB_PASSWORD'        # prints *****",
    'sstore run --prefix APP_ --override -- env',
    "sstore run --name-transform upper-snake -- sh -c 'echo $DB_PASSWORD'   # the secret db-password",
  );
  command.action(async (argv: string[], options: RunOptions, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ withSession, selectStore }, { requireValues, readValues }, { buildChildEnv }, { runCommand }, { MIN_MASK_LENGTH, tooShortToMask }, { SstoreError }] = await Promise.all([
      import('../session.ts'),
      import('../values.ts'),
      import('../../run/env.ts'),
      import('../../run/spawn.ts'),
      import('../../run/masker.ts'),
      import('../../errors.ts'),
    ]);
    const [file, ...args] = argv;
    if (file === undefined || file === '') throw new SstoreError('usage', 'no command to run', { hint: 'sstore run -- <command...>' });
    const entries = await withSession(ctx, async (session) => {
      requireValues(session, 'run');
      const store = await selectStore(ctx, session, options.store);
      return readValues(session.provider, store, options.only);
    });
    const { env, injected, kept } = buildChildEnv(ctx.io.env, entries, {
      override: options.override === true,
      transform: options.nameTransform,
      ...(options.prefix !== undefined && { prefix: options.prefix }),
    });
    if (ctx.globals.verbose) {
      ctx.io.err(`sstore: set ${injected.length === 0 ? 'no variables' : injected.join(', ')}`);
      if (kept.length > 0) ctx.io.err(`sstore: kept ${kept.join(', ')} from the environment (--override replaces them)`);
    }
    const mask = options.mask === true ? entries.map((e) => e.value) : [];
    const visible = options.mask === true ? entries.filter((e) => tooShortToMask(e.value)).map((e) => e.name) : [];
    if (visible.length > 0) {
      const count = visible.length === 1 ? '1 value' : `${visible.length} values`;
      ctx.io.err(`sstore: --mask leaves ${count} shorter than ${MIN_MASK_LENGTH} characters visible: ${visible.join(', ')}`);
    }
    const outcome = await runCommand({
      command: file,
      args,
      env,
      mask,
      colorHint: ctx.io.stdoutIsTTY && ctx.io.color,
      notice: (line) => ctx.io.err(line),
    });
    if (outcome.spawnError) ctx.io.err(`error: ${outcome.spawnError}`);
    process.exitCode = outcome.exitCode;
  });
}
