import { applyDecorators } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';

/** Documents If-Match on a write: the optimistic-concurrency check every write of an existing thing honours. */
export const ApiIfMatch = () =>
  ApiHeader({
    name: 'If-Match',
    required: false,
    description:
      'The ETag of the version you read, such as "3". When it is no longer the current version the write is ' +
      'refused with 409 and the current version, instead of overwriting what someone else did.',
  });

/** Documents Idempotency-Key on a write: see IdempotencyInterceptor. */
export const ApiIdempotencyKey = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Any unique string (a UUID is best), at most 200 characters. Send the same key when retrying: the retry ' +
      'gets the first response (status, body, ETag) and nothing is done twice. Reusing a key with a different ' +
      'request is refused with 422; a key is forgotten after 24 hours.',
  });

/** Both headers: a write to something that already has a version. */
export const ApiVersionedWrite = () => applyDecorators(ApiIfMatch(), ApiIdempotencyKey());
