import { BatchSizer } from './rebuild-read-models.js';

describe('BatchSizer (the rebuild keeps each batch near its time target)', () => {
  it('starts at 1,000 events, or the batch size asked for when smaller', () => {
    expect(new BatchSizer(10_000, 250).size).toBe(1_000);
    expect(new BatchSizer(5, 250).size).toBe(5);
  });

  it('scales down at once after a batch that took too long, never below 100 events', () => {
    const sizer = new BatchSizer(10_000, 250);
    sizer.took(1_000, 1_000);
    expect(sizer.size).toBe(250);
    sizer.took(250, 10_000);
    expect(sizer.size).toBe(100);
  });

  it('grows by half after a full batch that took under half the target, up to the batch size asked for', () => {
    const sizer = new BatchSizer(2_000, 250);
    sizer.took(1_000, 100);
    expect(sizer.size).toBe(1_500);
    sizer.took(1_500, 100);
    expect(sizer.size).toBe(2_000);
    // A short batch (the end of the log) says nothing about how many events fit in the time.
    const short = new BatchSizer(10_000, 250);
    short.took(10, 1);
    expect(short.size).toBe(1_000);
  });
});
