/**
 * Reads a $GITHUB_ENV file the way the GitHub Actions runner does (actions/runner, FileCommandManager.cs,
 * SetEnvFileCommand on Linux): lines split on LF; an empty line is skipped; `NAME=value` when `=` comes before any
 * `<<`; otherwise `NAME<<DELIMITER`, whose value is the exact text between that line and the next line equal to
 * DELIMITER, without the line break before it. Anything else is an error, as it fails the step on the runner.
 */
export function readGithubEnv(text: string): Map<string, string> {
  const env = new Map<string, string>();
  let index = 0;
  const readLine = (): { line: string; newline: boolean } | undefined => {
    if (index >= text.length) return undefined;
    const lf = text.indexOf('\n', index);
    const start = index;
    if (lf === -1) {
      index = text.length;
      return { line: text.slice(start), newline: false };
    }
    index = lf + 1;
    return { line: text.slice(start, lf), newline: true };
  };
  for (let next = readLine(); next !== undefined; next = readLine()) {
    const { line } = next;
    if (line === '') continue;
    const equals = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      const name = line.slice(0, equals);
      if (name === '') throw new Error(`empty name in ${JSON.stringify(line)}`);
      env.set(name, line.slice(equals + 1));
    } else if (heredoc >= 0) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (name === '' || delimiter === '') throw new Error(`bad heredoc line ${JSON.stringify(line)}`);
      const start = index;
      let end = index;
      for (let inner = readLine(); inner?.line !== delimiter; inner = readLine()) {
        if (inner === undefined) throw new Error(`delimiter ${delimiter} not found`);
        if (!inner.newline) throw new Error('EOF marker missing new line');
        end = index - 1;
      }
      env.set(name, end > start ? text.slice(start, end) : '');
    } else {
      throw new Error(`invalid line ${JSON.stringify(line)}`);
    }
  }
  return env;
}

/** The secrets a runner would mask after reading these workflow commands (`::add-mask::` data, unescaped). */
export function readMasks(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('::add-mask::'))
    .map((line) => line.slice('::add-mask::'.length).replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'));
}
