import { BadRequestException } from '@nestjs/common';

/** The version a client read, from `If-Match: "3"` (an ETag we issued); undefined when it sent none. */
export function versionFromIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header === '*') return undefined;
  // At most 9 digits: a version is an integer column, and 99999999999999999999 is no ETag we issued.
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!match) {
    throw new BadRequestException({
      type: 'https://partner-returns.dev/problems/validation',
      title: 'If-Match must be the ETag of the version you read, such as "3"',
      status: 400,
      errors: [{ field: 'If-Match', rule: 'etag', message: 'must be a quoted version number' }],
    });
  }
  return Number(match[1]);
}
