import { statSync } from 'node:fs';
import { mergeJsonc, mergeToml } from '../../../bindings/merge.ts';
import type { Binding, BindingFormat } from '../../../bindings/render.ts';
import { SstoreError } from '../../../errors.ts';
import { replaceFile } from '../../../formats/private-file.ts';
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
  // The file keeps its mode (a wrangler config is usually 0644, not secret: it names secrets, never values).
  replaceFile(file, merged, statSync(file).mode & 0o777);
  outcome(true);
  say(ctx, `wrote ${bindings.length} bindings into ${file}`);
}
