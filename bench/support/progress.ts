/**
 * Progress on stderr, so that stdout carries only the result table. On a terminal one line is redrawn a few times
 * a second; otherwise (CI logs, pipes) a line is written when each phase starts and ends.
 */
export class Progress {
  private readonly startedAt = performance.now();

  constructor(private readonly name = 'bench') {}
  private readonly tty = process.stderr.isTTY === true;
  private timer: NodeJS.Timeout | undefined;
  private lastTenth = -1;
  private lastDraw = 0;

  /** A phase of known length (its seconds are shown as they pass), or of unknown length with 0. */
  phase(label: string, seconds: number): void {
    this.stopTimer();
    this.lastTenth = -1;
    const phaseStart = performance.now();
    const draw = () => {
      const elapsed = (performance.now() - phaseStart) / 1000;
      const of = seconds > 0 ? `/${seconds}s` : 's';
      process.stderr.write(`\r\x1b[K${this.prefix()} ${label} ${elapsed.toFixed(1)}${of}`);
    };
    if (this.tty) {
      draw();
      this.timer = setInterval(draw, 250);
      this.timer.unref();
    } else {
      process.stderr.write(`${this.prefix()} ${label}${seconds > 0 ? ` (${seconds}s)` : ''}\n`);
    }
  }

  /**
   * A count towards a total, drawn as a bar: redrawn in place on a terminal, a line every tenth of the way
   * otherwise.
   */
  count(label: string, done: number, total: number): void {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const tenth = Math.floor(fraction * 10);
    if (!this.tty) {
      if (tenth === this.lastTenth) return;
      this.lastTenth = tenth;
    } else {
      const now = performance.now();
      if (done < total && now - this.lastDraw < 100) return;
      this.lastDraw = now;
    }
    this.stopTimer();
    const width = 30;
    const filled = Math.round(fraction * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
    const text = `${this.prefix()} ${label} ${bar} ${done.toLocaleString('en-GB')}/${total.toLocaleString('en-GB')}`;
    process.stderr.write(this.tty ? `\r\x1b[K${text}` : `${text}\n`);
  }

  /** Ends the current phase with a result line. */
  done(message: string): void {
    this.stopTimer();
    process.stderr.write(`${this.tty ? '\r\x1b[K' : ''}${this.prefix()}   ${message}\n`);
  }

  log(message: string): void {
    this.stopTimer();
    process.stderr.write(`${this.tty ? '\r\x1b[K' : ''}${this.prefix()} ${message}\n`);
  }

  private prefix(): string {
    return `[${this.name} ${((performance.now() - this.startedAt) / 1000).toFixed(0).padStart(3)}s]`;
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
