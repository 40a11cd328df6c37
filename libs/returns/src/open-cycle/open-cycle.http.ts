import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString } from 'class-validator';
import type { Response } from 'express';
import { CorrelationId, CurrentActor, versionFromIfMatch } from '../../../http/src/index.js';
import { CommandResult } from '../command-envelope.js';
import { Actor } from '../domain-error.js';
import { OpenCycleCommand } from './open-cycle.command.js';

export class OpenCycleDto {
  /** Only these measures; every measure of the plan when omitted. */
  @IsOptional() @IsArray() @ArrayMaxSize(10_000) @IsString({ each: true }) measureRefs?: string[];
}

@ApiTags('cycles')
@Controller('cycles')
export class OpenCycleHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post(':cycleId/open')
  @HttpCode(200)
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
