import { ApiProperty } from '@nestjs/swagger';
import type { Response } from 'express';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { RequestWithActor, signedInActor, versionFromIfMatch } from '../../http/src/index.js';
import { CommandEnvelope, CommandResult, Actor } from '../../kernel/src/index.js';

/** What a write answers: the thing, its new version (also sent as the ETag) and its status. */
export class CommandResultDto implements CommandResult {
  @ApiProperty({ description: 'Id of the cycle or return written', example: 'y1-2019-20.S1' }) id: string;
  @ApiProperty({ description: 'Its version after the write; send it back as If-Match', example: 3 })
  version: number;
  @ApiProperty({ description: 'Its status after the write', example: 'approved' }) status: string;
}

/** The envelope of a write that came over HTTP: who asks, under which request, and the version in If-Match. */
export function envelopeFrom(
  actor: Actor,
  correlationId: string,
  ifMatch: string | undefined,
): CommandEnvelope {
  return { actor, correlationId, expectedVersion: versionFromIfMatch(ifMatch) };
}

/** A write's envelope as a route parameter: the signed-in actor (or 401), the correlation id and If-Match. */
export const WriteEnvelope = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandEnvelope => {
  const request = ctx.switchToHttp().getRequest<RequestWithActor>();
  return envelopeFrom(signedInActor(request), String(request.id ?? 'unknown'), request.header('if-match'));
});

/** Answers a write with the version it produced as the ETag, ready for the caller's next If-Match. */
export function withETag<R extends { version: number }>(res: Response, result: R): R {
  res.setHeader('ETag', `"${result.version}"`);
  return result;
}
