import { BadRequestException } from '@nestjs/common';
import { versionFromIfMatch } from './if-match.js';

describe('versionFromIfMatch', () => {
  it('reads the version of an ETag we issued, weak or strong', () => {
    expect(versionFromIfMatch('"3"')).toBe(3);
    expect(versionFromIfMatch('W/"12"')).toBe(12);
    expect(versionFromIfMatch(undefined)).toBeUndefined();
    expect(versionFromIfMatch('*')).toBeUndefined();
  });

  // A version is an integer column: 20 digits is no ETag of ours, and must not reach PostgreSQL as one.
  it.each(['"99999999999999999999"', '"1e3"', '"-1"', 'three', '"1234567890"'])(
    'refuses %s with a 400 naming If-Match',
    (header) => {
      expect(() => versionFromIfMatch(header)).toThrow(BadRequestException);
    },
  );
});
