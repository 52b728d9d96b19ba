import { renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { mergeJsonc, mergeToml } from '../../../bindings/merge.ts';
import type { Binding, BindingFormat } from '../../../bindings/render.ts';
import { SstoreError } from '../../../errors.ts';
import type { Context } from '../../context.ts';
import { unifiedDiff } from '../../line-diff.ts';
import { printJson, say } from '../../output.ts';
import { confirm } from '../../prompts.ts';

export interface WriteRequest {
  file: string;
  original: string;
  format: BindingFormat;
  bindings: readonly Binding[];
  dryRun: boolean;
  yes: boolean;
}

/** Replaces the file in one rename, keeping its mode: a reader sees the old file or the new one, never half. */
function replaceFile(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  writeFileSync(temp, text, { mode: statSync(path).mode & 0o777, flag: 'wx' });
  renameSync(temp, path);
}

/** `--write FILE`: the merge, its diff (stdout), a question on a terminal (or --yes), then the file replaced. */
export async function writeBindings(ctx: Context, request: WriteRequest): Promise<void> {
  const { io, globals } = ctx;
  const { file, original, bindings } = request;
  const merged = request.format === 'toml' ? mergeToml(original, bindings, file) : mergeJsonc(original, bindings, file);
  const changed = merged !== original;
  const diff = changed ? unifiedDiff(original, merged, file) : '';
  const outcome = (written: boolean) => {
    if (globals.json) printJson(io, { file, changed, written, diff, ...(request.dryRun && { dry_run: true }) });
  };
  if (!globals.json && changed) io.out(diff);
  if (!changed) {
    outcome(false);
    say(ctx, `${file} already has these ${bindings.length} bindings; nothing to write`);
    return;
  }
  if (request.dryRun) {
    outcome(false);
    say(ctx, `dry run: ${file} was not written`);
    return;
  }
  if (!request.yes) {
    if (!io.canPrompt) {
      throw new SstoreError('usage', `this rewrites ${file}: pass --yes to confirm (no terminal to ask on)`, { reason: 'confirmation_required' });
    }
    if (!(await confirm(io, `Write these changes to ${file}?`))) throw new SstoreError('cancelled', `cancelled; ${file} was not changed`, { reason: 'cancelled' });
  }
  replaceFile(file, merged);
  outcome(true);
  say(ctx, `wrote ${bindings.length} bindings into ${file}`);
}
