import { BadRequestException, HttpException } from '@nestjs/common';
import { versionFromIfMatch } from './if-match.js';

describe('versionFromIfMatch', () => {
  it('reads the version of an ETag we issued', () => {
    expect(versionFromIfMatch('"3"')).toBe(3);
    expect(versionFromIfMatch(' "12" ')).toBe(12);
    expect(versionFromIfMatch(undefined)).toBeUndefined();
    expect(versionFromIfMatch('*')).toBeUndefined();
  });

  // Strong comparison (RFC 9110): a weak tag matches nothing, so it is no version to write against.
  it('refuses a weak ETag with 412 naming If-Match and the strong-etag rule', () => {
    let thrown: unknown;
    try {
      versionFromIfMatch('W/"12"');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HttpException);
    expect((thrown as HttpException).getStatus()).toBe(412);
    expect((thrown as HttpException).getResponse()).toMatchObject({
      errors: [{ field: 'If-Match', rule: 'strong-etag' }],
    });
  });

  // A version is an integer column: 20 digits is no ETag of ours, and must not reach PostgreSQL as one.
  it.each(['"99999999999999999999"', '"1e3"', '"-1"', 'three', '"1234567890"', 'W/"1e3"'])(
    'refuses %s with a 400 naming If-Match',
    (header) => {
      expect(() => versionFromIfMatch(header)).toThrow(BadRequestException);
    },
  );
});
