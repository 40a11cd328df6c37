import { BadRequestException } from '@nestjs/common';

/** The version a client read, from `If-Match: "3"` (an ETag we issued); undefined when it sent none. */
export function versionFromIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header === '*') return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
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
