import type { Argument, Option } from 'commander';

/**
 * What the value of an option or argument is, for completion: a file or a folder (the shell completes paths), or a
 * name the live resolver lists (`store`, `secret`, `profile`, ...). Fixed sets of values use commander's
 * `.choices()` instead, which --help shows too.
 */
export type ValueKind = 'file' | 'dir' | (string & {});

const kinds = new WeakMap<Option | Argument, ValueKind>();

/** Marks an option or argument, e.g. `completeWith(new Option('--store <store>'), 'store')`; returns it for chaining. */
export function completeWith<T extends Option | Argument>(target: T, kind: ValueKind): T {
  kinds.set(target, kind);
  return target;
}

/**
 * The kind set with completeWith, else what the placeholder says: `<file>`, `<path>` → file, `<dir>` → dir, and
 * `<store>` → store (every `--store <store>` and `stores delete <store>` complete live store names).
 */
export function valueKind(target: Option | Argument): ValueKind | undefined {
  const marked = kinds.get(target);
  if (marked !== undefined) return marked;
  const placeholder = 'flags' in target ? /[<[]([\w-]+)(?:\.\.\.)?[>\]]/.exec(target.flags)?.[1] : target.name();
  if (placeholder === undefined) return undefined;
  if (/^(file|path)$/i.test(placeholder)) return 'file';
  if (/^(dir|directory|folder)$/i.test(placeholder)) return 'dir';
  if (placeholder === 'store') return 'store';
  return undefined;
}
