import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './env.ts';

/** Where a README example runs: the embedded store alone, or beside a throwaway `sstore server`. */
export type BlockMode = 'embedded' | 'server';

export interface ReadmeBlock {
  /** 1-based line of the opening fence, so a failure points at the README. */
  line: number;
  mode: BlockMode;
  /** Shell lines from the marker comment, run before the block (fixtures the example assumes). */
  setup: string;
  code: string;
}

/**
 * The README's runnable examples. A runnable block is a ```sh fence right after a marker comment:
 *
 *     <!-- readme-test -->                        (embedded store, fresh HOME)
 *     <!-- readme-test: server                    (a throwaway server is running; setup lines follow)
 *     printf 'x' > .env
 *     -->
 *
 * The marker is invisible on GitHub, so the README shows the example exactly as a user types it.
 */
export function readmeBlocks(file = join(ROOT, 'README.md')): ReadmeBlock[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = /^<!-- readme-test(?::\s*(embedded|server))?\s*(-->)?\s*$/.exec(lines[i]!);
    if (!marker) continue;
    const setup: string[] = [];
    if (!marker[2]) {
      for (i++; i < lines.length && lines[i] !== '-->'; i++) setup.push(lines[i]!);
      if (i === lines.length) throw new Error(`README.md:${setup.length}: unclosed readme-test marker`);
    }
    i++;
    if (lines[i] !== '```sh') throw new Error(`README.md:${i + 1}: a readme-test marker must be followed by a \`\`\`sh fence`);
    const start = i + 1;
    const code: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) code.push(lines[i]!);
    blocks.push({ line: start, mode: (marker[1] as BlockMode | undefined) ?? 'embedded', setup: setup.join('\n'), code: code.join('\n') });
  }
  return blocks;
}
