// Progress of a long batch on stderr: one line redrawn with `\r` on a TTY, plain lines otherwise.

/** Reports how far a batch has got. */
export interface Progress {
  /** `done` of `total` items are finished; `label` says what just finished. */
  update(done: number, label: string): void;
  /** Ends the display (a TTY line gets its newline). */
  finish(): void;
}

/** A progress display over `total` items on process.stderr; silent when `quiet`. */
export function createProgress(total: number, quiet = false): Progress {
  const stream = process.stderr;
  const tty = stream.isTTY === true;
  let drawn = false;
  return {
    update(done, label) {
      if (quiet) return;
      if (!tty) {
        stream.write(`[${done}/${total}] ${label}\n`);
        return;
      }
      const width = 24;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label}`;
      const columns = stream.columns || 80;
      stream.write(`\r${line.slice(0, columns - 1).padEnd(columns - 1)}`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\n');
    },
  };
}
