import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { Clock, Actor, ANYONE_SIGNED_IN } from '../../../kernel/src/index.js';
import { CurrentActor, Optional, parseAsAt, Roles } from '../../../http/src/index.js';
import { GetReturn } from './get-return.query.js';
import { ReturnView } from './return-view.js';

export class ReturnAsAtQuery {
  @ApiPropertyOptional({
    description: 'The return as it stood at this instant',
    example: '2020-04-30T12:00:00Z',
  })
  @Optional()
  @IsString()
  @MaxLength(40)
  asAt?: string;
}

@ApiTags('returns')
@Controller('returns')
export class GetReturnHttp {
  constructor(
    @Inject(GetReturn) private readonly query: GetReturn,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** One return with its full history: every event with actor, role, time and reason. */
  @Get(':returnId')
  @Roles(ANYONE_SIGNED_IN)
  @ApiOperation({
    summary: 'One return with its full history',
    description:
      'The working content and the approved content (each narrative also as safe HTML), and every event with ' +
      'actor, role, time and reason. The ETag is the version to send back as If-Match. With `asAt`, the ' +
      'return as it stood then, replayed from the events recorded up to that instant (no ETag).',
  })
  @ApiOkResponse({ description: 'The return' })
  async get(
    @Param('returnId') returnId: string,
    @Query() query: ReturnAsAtQuery,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ReturnView> {
    const now = this.clock.now();
    const asAt = parseAsAt(query.asAt, now);
    const view = await this.query.view(actor, returnId, asAt);
    // A past version is not one to write against.
    if (!asAt) res.setHeader('ETag', `"${view.version}"`);
    return view;
  }
}
