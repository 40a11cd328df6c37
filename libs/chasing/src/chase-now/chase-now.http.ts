import { Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CorrelationId, CurrentActor, Roles } from '../../../http/src/index.js';
import { Actor } from '../../../kernel/src/index.js';
import { ChaseNowCommand, ChaseNowResult } from './chase-now.command.js';

@ApiTags('chasing')
@Controller('cycles/:cycleId')
export class ChaseNowHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post('chase')
  @Roles(['coordinator'], 'Only a coordinator can chase')
  @HttpCode(202)
  @ApiOperation({ summary: 'Chase every agency with returns outstanding, now (coordinator)' })
  chaseCycle(
    @Param('cycleId') cycleId: string,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
  ): Promise<ChaseNowResult> {
    return this.commands.execute(new ChaseNowCommand({ actor, correlationId }, cycleId, null));
  }

  @Post('agencies/:agencyId/chase')
  @Roles(['coordinator'], 'Only a coordinator can chase')
  @HttpCode(202)
  @ApiOperation({ summary: 'Chase one agency for its outstanding returns, now (coordinator)' })
  chaseAgency(
    @Param('cycleId') cycleId: string,
    @Param('agencyId') agencyId: string,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
  ): Promise<ChaseNowResult> {
    return this.commands.execute(new ChaseNowCommand({ actor, correlationId }, cycleId, agencyId));
  }
}
