import { clockInWords, dayInWords, londonDay } from './in-words.js';

describe('dates and times in words, in UK time', () => {
  it('reads a bare day as that day, and an instant as the day it was in London', () => {
    expect(dayInWords('2026-12-23')).toBe('23 December 2026');
    // 23:30 UTC on 30 June is 00:30 BST on 1 July; in winter London is on UTC.
    expect(dayInWords('2026-06-30T23:30:00Z')).toBe('1 July 2026');
    expect(dayInWords('2026-12-31T23:30:00Z')).toBe('31 December 2026');
  });

  it('tells the time on a London clock, lower case with no space', () => {
    expect(clockInWords('2026-06-30T13:05:00Z')).toBe('2:05pm');
    expect(clockInWords('2026-12-03T09:05:00Z')).toBe('9:05am');
    expect(clockInWords('2026-12-03T00:00:00Z')).toBe('12:00am');
  });

  it('gives the London day of an instant as YYYY-MM-DD', () => {
    expect(londonDay('2026-06-30T23:30:00Z')).toBe('2026-07-01');
    expect(londonDay(new Date('2026-12-31T23:30:00Z'))).toBe('2026-12-31');
  });
});
