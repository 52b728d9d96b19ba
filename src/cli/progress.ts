/**
 * A one-line progress bar on a terminal (stderr), redrawn in place at most every 50 ms. Callers only create one when
 * stderr is a terminal and this is not CI: elsewhere progress would be noise in a log.
 */
export interface Progress {
  update(done: number): void;
  /** Draws the final state and ends the line. */
  finish(): void;
}

const WIDTH = 30;

export function createProgress(stream: NodeJS.WritableStream, label: string, total: number, now: () => number = Date.now): Progress {
  let last = -Infinity;
  let current = 0;
  const draw = () => {
    const filled = total === 0 ? WIDTH : Math.round((current / total) * WIDTH);
    const percent = total === 0 ? 100 : Math.floor((current / total) * 100);
    stream.write(`\r\x1b[K${label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${current}/${total} ${percent}%`);
  };
  draw();
  return {
    update(done) {
      current = done;
      if (now() - last < 50 && done < total) return;
      last = now();
      draw();
    },
    finish() {
      draw();
      stream.write('\n');
    },
  };
}
