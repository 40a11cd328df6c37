/** Where progress goes: stderr, or a fake in tests. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

const WIDTH = 30;

/** One progress line, e.g. `[#########.....................]  30% 1,200/4,000 events`. */
export function progressLine(done: number, total: number, unit = 'events'): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(fraction * WIDTH);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const count = `${done.toLocaleString('en-GB')}/${total.toLocaleString('en-GB')} ${unit}`;
  return `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${percent} ${count}`;
}

/**
 * A progress bar that redraws one line on a terminal and, when stderr is a file or a pipe (CI logs), writes a
 * line only at each tenth, so logs stay short.
 */
export class ProgressBar {
  private lastTenth = -1;

  constructor(
    private readonly stream: ProgressStream,
    private readonly total: number,
    private readonly unit = 'events',
  ) {}

  update(done: number): void {
    const line = progressLine(done, this.total, this.unit);
    if (this.stream.isTTY) {
      this.stream.write(`\r${line}`);
      return;
    }
    const tenth = this.total > 0 ? Math.floor((Math.min(done, this.total) / this.total) * 10) : 10;
    if (tenth > this.lastTenth) {
      this.lastTenth = tenth;
      this.stream.write(`${line}\n`);
    }
  }

  finish(done: number): void {
    if (this.stream.isTTY)
      this.stream.write(`\r${progressLine(done, Math.max(done, this.total), this.unit)}\n`);
    else if (this.lastTenth < 10)
      this.stream.write(`${progressLine(done, Math.max(done, this.total), this.unit)}\n`);
  }
}
