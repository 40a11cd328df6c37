import { ProgressBar, progressLine } from './progress-bar.js';

describe('progress bar', () => {
  it('draws a bar, a percentage and the count', () => {
    expect(progressLine(0, 4000)).toBe(`[${'.'.repeat(30)}]   0% 0/4,000 events`);
    expect(progressLine(1200, 4000)).toBe(`[${'#'.repeat(9)}${'.'.repeat(21)}]  30% 1,200/4,000 events`);
    expect(progressLine(0, 0)).toBe(`[${'#'.repeat(30)}] 100% 0/0 events`);
  });

  it('redraws one line on a terminal, and writes only each tenth to a log', () => {
    const tty: string[] = [];
    const bar = new ProgressBar({ isTTY: true, write: (t) => tty.push(t) }, 100);
    for (let done = 0; done <= 100; done += 5) bar.update(done);
    bar.finish(100);
    expect(tty.every((t) => t.startsWith('\r'))).toBe(true);
    expect(tty[tty.length - 1].endsWith('\n')).toBe(true);

    const log: string[] = [];
    const quiet = new ProgressBar({ write: (t) => log.push(t) }, 100);
    for (let done = 0; done <= 100; done += 5) quiet.update(done);
    quiet.finish(100);
    expect(log).toHaveLength(11);
    expect(log.every((t) => t.endsWith('\n') && !t.includes('\r'))).toBe(true);
  });
});
