import type { Command } from 'commander';
import { registerAudit } from './audit/index.ts';
import { registerAuth } from './auth/index.ts';
import { registerBindings } from './bindings/index.ts';
import { registerComplete } from './complete.ts';
import { registerCompletion } from './completion.ts';
import { registerExport } from './export.ts';
import { registerImport } from './import/index.ts';
import { registerProfile } from './profile/index.ts';
import { registerQuota } from './quota/index.ts';
import { registerRun } from './run.ts';
import { registerSecrets } from './secrets/index.ts';
import { registerServer } from './server/index.ts';
import { registerStores } from './stores/index.ts';
import { registerSync } from './sync/index.ts';

/** Every command, in help order. */
export function registerCommands(program: Command): void {
  registerSecrets(program);
  registerStores(program);
  registerQuota(program);
  registerProfile(program);
  registerAuth(program);
  registerRun(program);
  registerExport(program);
  registerImport(program);
  registerSync(program);
  registerBindings(program);
  registerAudit(program);
  registerServer(program);
  registerCompletion(program);
  registerComplete(program, { names: async (request) => (await import('../completion-names.ts')).listNames(request) });
}
