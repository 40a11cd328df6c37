/**
 * Progress on stderr, so that stdout carries only the result table. On a terminal one line is redrawn a few times
 * a second; otherwise (CI logs, pipes) a line is written when each phase starts and ends.
 */
export class Progress {
  private readonly startedAt = performance.now();
  private readonly tty = process.stderr.isTTY === true;
  private timer: NodeJS.Timeout | undefined;

  phase(label: string, seconds: number): void {
    this.stopTimer();
    const phaseStart = performance.now();
    const draw = () => {
      const elapsed = (performance.now() - phaseStart) / 1000;
      process.stderr.write(`\r\x1b[K${this.prefix()} ${label} ${elapsed.toFixed(1)}/${seconds}s`);
    };
    if (this.tty) {
      draw();
      this.timer = setInterval(draw, 250);
      this.timer.unref();
    } else {
      process.stderr.write(`${this.prefix()} ${label} (${seconds}s)\n`);
    }
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
    return `[bench ${((performance.now() - this.startedAt) / 1000).toFixed(0).padStart(3)}s]`;
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
