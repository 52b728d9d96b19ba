import type { Command } from 'commander';
import { registerServerAudit } from './audit.ts';
import { registerServerCopy } from './copy.ts';
import { registerServerStart } from './start.ts';
import { registerServerToken } from './token.ts';

export function registerServer(program: Command): void {
  const server = program.command('server').description('Run and administer the local API server');
  registerServerStart(server);
  registerServerToken(server);
  registerServerCopy(server);
  registerServerAudit(server);
}
