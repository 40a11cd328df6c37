import { Body, Controller, Inject, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { IsDateString, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { CorrelationId, CurrentActor } from '../../../http/src/index.js';
import { CommandResult } from '../command-envelope.js';
import { Actor } from '../domain-error.js';
import { DraftCycleCommand } from './draft-cycle.command.js';

export class DraftCycleDto {
  @IsString() @Matches(/^[a-z0-9-]{1,64}$/) partnershipId: string;
  @IsString() @Matches(/^[a-z0-9-]{1,64}$/) planId: string;
  /** e.g. "Year 1 2019/20 (April 2019 - March 2020)" */
  @IsString() @IsNotEmpty() @MaxLength(200) label: string;
  @IsDateString({ strict: true }) periodStart: string;
  @IsDateString({ strict: true }) periodEnd: string;
  @IsDateString({ strict: true }) dueDate: string;
  @IsOptional() @IsString() @Matches(/^[a-z0-9-]{1,64}$/) cycleId?: string;
}

@ApiTags('cycles')
@Controller('cycles')
export class DraftCycleHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post()
  @ApiCreatedResponse({ description: 'The cycle is drafted; open it to request the returns.' })
  async draft(
    @Body() body: DraftCycleDto,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommandResult> {
    const { cycleId = randomUUID(), ...facts } = body;
    const result = await this.commands.execute(
      new DraftCycleCommand({ actor, correlationId }, { cycleId, ...facts }),
    );
    res.setHeader('ETag', `"${result.version}"`).setHeader('Location', `/cycles/${cycleId}`);
    return result;
  }
}
