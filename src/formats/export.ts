import { formatDotenv } from './dotenv-format.ts';
import { formatGithub } from './github.ts';
import { formatJson } from './json.ts';
import { formatShell } from './shell.ts';
import type { Entry, ExportFormat } from './types.ts';
import { formatYaml } from './yaml.ts';

/**
 * An export, ready to write. `body` goes to stdout or the -o file (for `github`: appended to $GITHUB_ENV);
 * `commands`, only for `github`, goes to stdout first so the runner masks the values before anything prints them.
 */
export interface Rendered {
  body: string;
  commands: string;
}

/**
 * Renders entries under their export names (see renameEntries). A name the format cannot hold (shell and github need
 * shell identifiers, dotenv its own key characters) is a validation SstoreError naming the secret, never a rename.
 */
export function renderExport(format: ExportFormat, entries: readonly Entry[]): Rendered {
  switch (format) {
    case 'dotenv':
      return { body: formatDotenv(entries), commands: '' };
    case 'json':
      return { body: formatJson(entries), commands: '' };
    case 'yaml':
      return { body: formatYaml(entries), commands: '' };
    case 'shell':
      return { body: formatShell(entries), commands: '' };
    case 'github': {
      const { commands, envFile } = formatGithub(entries);
      return { body: envFile, commands };
    }
  }
}
