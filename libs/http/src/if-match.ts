import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';

/**
 * The version a client read, from `If-Match: "3"` (an ETag we issued); undefined when it sent none.
 *
 * If-Match compares strongly (RFC 9110, 13.1.1): a weak tag never matches, so `W/"3"` is refused with 412 rather
 * than taken for "3". The versions we issue are strong; a weak one came from a cache or a proxy that may have
 * changed the body, and a write made against it could overwrite what the client never saw.
 */
export function versionFromIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header === '*') return undefined;
  const tag = header.trim();
  // At most 9 digits: a version is an integer column, and 99999999999999999999 is no ETag we issued.
  const match = /^(W\/)?"?(\d{1,9})"?$/.exec(tag);
  if (!match) {
    throw new BadRequestException({
      type: 'https://partner-returns.dev/problems/validation',
      title: 'If-Match must be the ETag of the version you read, such as "3"',
      status: 400,
      errors: [{ field: 'If-Match', rule: 'etag', message: 'must be a quoted version number' }],
    });
  }
  if (match[1]) {
    throw new HttpException(
      {
        type: 'https://partner-returns.dev/problems/weak-etag',
        title: 'If-Match must be a strong ETag: a weak one never matches',
        status: HttpStatus.PRECONDITION_FAILED,
        code: 'weak-etag',
        detail: `Send If-Match: "${match[2]}" as the ETag of the version you read was sent.`,
        errors: [{ field: 'If-Match', rule: 'strong-etag', message: 'must not be weak (W/)' }],
      },
      HttpStatus.PRECONDITION_FAILED,
    );
  }
  return Number(match[2]);
}
