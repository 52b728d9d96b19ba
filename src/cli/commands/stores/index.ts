import type { Command } from 'commander';
import { registerStoresCreate } from './create.ts';
import { registerStoresDelete } from './delete.ts';
import { registerStoresList } from './list.ts';

export function registerStores(program: Command): void {
  const stores = program.command('stores').alias('store').description('Create, list and delete secrets stores');
  registerStoresCreate(stores);
  registerStoresList(stores);
  registerStoresDelete(stores);
}
