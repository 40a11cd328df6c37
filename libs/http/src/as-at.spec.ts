import { BadRequestException } from '@nestjs/common';
import { parseAsAt } from './as-at.js';

const now = new Date('2026-01-01T00:00:00Z');

describe('parseAsAt', () => {
  it('reads an instant with Z or an offset, and leaves an absent one undefined', () => {
    expect(parseAsAt('2020-04-30T12:00:00Z', now)?.toISOString()).toBe('2020-04-30T12:00:00.000Z');
    expect(parseAsAt('2020-04-30T13:00:00+01:00', now)?.toISOString()).toBe('2020-04-30T12:00:00.000Z');
    expect(parseAsAt('2020-04-30T13:00:00 01:00', now)?.toISOString()).toBe('2020-04-30T12:00:00.000Z');
    expect(parseAsAt(undefined, now)).toBeUndefined();
  });

  it.each([
    ['2020-04-30', 'must be an instant with its time zone'],
    ['2020-04-30T12:00:00', 'must be an instant with its time zone'],
    ['yesterday', 'must be an instant with its time zone'],
    ['2020-02-30T12:00:00Z', 'is not a real date and time'],
    ['2020-04-30T25:00:00Z', 'is not a real date and time'],
    ['2030-01-01T00:00:00Z', 'must not be in the future'],
    // Issue 10: year 0000 reached PostgreSQL ("date/time field value out of range") and answered 500.
    ['0000-01-01T00:00:00Z', 'must be in 1900 or later'],
    ['0001-01-01T00:00:00+14:00', 'must be in 1900 or later'],
    ['1899-12-31T23:59:59Z', 'must be in 1900 or later'],
  ])('refuses %s as a 400 problem naming asAt', (raw, message) => {
    try {
      parseAsAt(raw, now);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(BadRequestException);
      const body = (error as BadRequestException).getResponse() as {
        errors: { field: string; message: string }[];
      };
      expect(body.errors).toEqual([expect.objectContaining({ field: 'asAt' })]);
      expect(body.errors[0].message).toContain(message);
    }
  });
});
