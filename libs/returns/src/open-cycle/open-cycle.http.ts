import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsString, Matches } from 'class-validator';
import { ID_PATTERNS, CommandResult, Actor } from '../../../kernel/src/index.js';
import type { Response } from 'express';
import {
  ApiVersionedWrite,
  CorrelationId,
  CurrentActor,
  Optional,
  versionFromIfMatch,
  Roles,
} from '../../../http/src/index.js';
import { CommandResultDto } from '../command-http.js';
import { OpenCycleCommand } from './open-cycle.command.js';

export class OpenCycleDto {
  @ApiPropertyOptional({
    description: 'Only these measures (refs such as S1, C3); every live measure of the plan when omitted',
    type: [String],
    example: ['S2', 'C3'],
  })
  @Optional()
  @IsArray()
  @ArrayMaxSize(10_000)
  @IsString({ each: true })
  @Matches(ID_PATTERNS.measureRef, {
    each: true,
    message: 'each of measureRefs must be a reference such as S1',
  })
  measureRefs?: string[];
}

@ApiTags('cycles')
@Controller('cycles')
export class OpenCycleHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post(':cycleId/open')
  @Roles(['coordinator'], 'Only a coordinator can draft, open, close or publish a cycle')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Open a drafted cycle (coordinator)',
    description:
      'Requests one return per measure from its lead agency, all in one transaction, and issues the ' +
      "agencies' submission links; the mail goes out from the stored events.",
  })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: CommandResultDto })
  async open(
    @Param('cycleId') cycleId: string,
    @Body() body: OpenCycleDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommandResult> {
    const envelope = { actor, correlationId, expectedVersion: versionFromIfMatch(ifMatch) };
    const result = await this.commands.execute(new OpenCycleCommand(envelope, cycleId, body.measureRefs));
    res.setHeader('ETag', `"${result.version}"`);
    return result;
  }
}
