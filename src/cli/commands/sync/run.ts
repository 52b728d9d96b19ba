import { dataDir } from '../../../config/paths.ts';
import { SstoreError } from '../../../errors.ts';
import { collect } from '../../../http/pagination.ts';
import type { Secret, Store } from '../../../providers/provider.ts';
import { SyncState, type TargetIdentity } from '../../../sync/state.ts';
import type { Context } from '../../context.ts';
import { say } from '../../output.ts';
import { confirm } from '../../prompts.ts';
import { selectStore, withSession, type Session } from '../../session.ts';
import { readSecrets, requireValues } from '../../values.ts';
import { executePlan } from '../../writes/execute.ts';
import { describePlan, planWrites, refuseEmptying, type PlanEntry } from '../../writes/plan.ts';
import { planLines, printPlan } from '../../writes/report.ts';
import type { SyncOptions } from './index.ts';
import { checkForTarget, judgeUpdates, parseEndpoint } from './plan.ts';

function identity(ctx: Context, session: Session, store: Store): TargetIdentity {
  const { profile } = session;
  return {
    provider: profile.provider,
    url: session.local ? `embedded:${dataDir(ctx.io.env)}` : (profile.url ?? session.provider.descriptor.defaultUrl),
    account: profile.account ?? '',
    storeId: store.id,
  };
}

export async function runSync(ctx: Context, options: SyncOptions): Promise<void> {
  const { io, globals } = ctx;
  const from = parseEndpoint('--from', options.from);
  const to = parseEndpoint('--to', options.to);
  if (options.prune && options.only !== undefined) {
    throw new SstoreError('usage', '--prune deletes what the source does not have, and --only reads part of the source: use one or the other', {
      reason: 'prune_with_only',
    });
  }
  await withSession(ctx, async (source) => {
    requireValues(source, `sync --from ${source.profile.name}`);
    await withSession(ctx, async (target) => {
      const sourceStore = await selectStore(ctx, source, from.store);
      const targetStore = await selectStore(ctx, target, to.store);
      const sourceWhere = `store ${sourceStore.name} of profile ${source.profile.name}`;
      const where = `store ${targetStore.name} of profile ${target.profile.name}`;
      const targetId = identity(ctx, target, targetStore);
      const sourceId = identity(ctx, source, sourceStore);
      if (Object.entries(targetId).every(([k, v]) => sourceId[k as keyof TargetIdentity] === v)) {
        throw new SstoreError('usage', `--from and --to are the same store (${where})`, { reason: 'sync_same_store' });
      }

      const read = await readSecrets(source.provider, sourceStore, options.only);
      // A new secret keeps the source's scopes and comment where the source has them (else `workers`, as `put`).
      const entries: PlanEntry[] = read.map(({ secret, value }) => ({ name: secret.name, value, ...(secret.scopes.length > 0 && { scopes: secret.scopes }), comment: secret.comment }));
      const problems = checkForTarget(entries, target.provider, sourceWhere);
      if (problems.length > 0) {
        for (const problem of problems) io.err(problem);
        throw new SstoreError('validation', `${problems.length === 1 ? '1 secret' : `${problems.length} secrets`} of the source cannot be written to ${where}; nothing was written`, {
          reason: 'sync_invalid',
          hint: '--only leaves them out',
        });
      }
      const existing = await collect(target.provider.listSecrets(targetStore.id));
      const plan = planWrites(entries, existing, options.prune === true);
      if (options.allowEmpty !== true) refuseEmptying(sourceWhere, where, plan, entries.length, 'sync');
      const state = SyncState.open(io.env, { ...targetId, store: targetStore.name });
      state.keepOnly(new Set(existing.map((s) => s.name)));
      if (globals.verbose) io.err(`sstore: sync state for ${where}: ${state.path}`);
      const why = await judgeUpdates(target.provider, targetStore, plan, state);
      const head = {
        from: { profile: source.profile.name, store: sourceStore.name },
        to: { profile: target.profile.name, store: targetStore.name },
      };
      const summary = `${describePlan(plan)} from ${sourceWhere} to ${where}`;
      if (options.dryRun) {
        printPlan(ctx, plan, head, (name) => why.get(name));
        say(ctx, `dry run: ${summary}; nothing was changed`);
        return;
      }
      const writes = plan.create.length + plan.update.length + plan.remove.length;
      // On a terminal the plan is shown and one question covers every write; elsewhere (CI) only --prune needs --yes.
      let yes = options.yes === true;
      if (writes > 0 && !yes && io.canPrompt) {
        io.err(planLines(plan, (name) => why.get(name)).join('\n'));
        if (!(await confirm(io, `Sync ${describePlan(plan)} into ${where}?`))) {
          throw new SstoreError('cancelled', 'cancelled; nothing was changed', { reason: 'cancelled' });
        }
        yes = true;
      }
      const values = new Map(entries.map((e) => [e.name, e.value]));
      await executePlan(ctx, {
        verb: 'sync',
        where,
        head,
        provider: target.provider,
        store: targetStore,
        plan,
        yes,
        deleteQuestion: (secrets) => `Delete ${secrets} of ${where} that the source does not have`,
        starting: `syncing ${sourceWhere} into ${where}`,
        progressLabel: 'syncing',
        scopes: ['workers'],
        onWritten: (secrets: readonly Secret[]) => {
          for (const secret of secrets) {
            const value = values.get(secret.name);
            if (value !== undefined) state.record(secret, value);
          }
        },
        afterWrites: (result) => {
          for (const name of result.deleted) state.forget(name);
          state.save();
        },
      });
    }, { profile: to.profile });
  }, { profile: from.profile });
}
