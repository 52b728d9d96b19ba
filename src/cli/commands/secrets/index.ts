import type { Command } from 'commander';
import { registerSecretsDup } from './dup.ts';
import { registerSecretsGet } from './get.ts';
import { registerSecretsHistory } from './history.ts';
import { registerSecretsList } from './list.ts';
import { registerSecretsPatch } from './patch.ts';
import { registerSecretsPut } from './put.ts';
import { registerSecretsRm } from './rm.ts';
import { registerSecretsRollback } from './rollback.ts';

export function registerSecrets(program: Command): void {
  const secrets = program.command('secrets').alias('secret').description('Create, read (metadata), list, change, copy and delete secrets, by name; their value history');
  registerSecretsPut(secrets);
  registerSecretsGet(secrets);
  registerSecretsList(secrets);
  registerSecretsPatch(secrets);
  registerSecretsDup(secrets);
  registerSecretsRm(secrets);
  registerSecretsHistory(secrets);
  registerSecretsRollback(secrets);
}
