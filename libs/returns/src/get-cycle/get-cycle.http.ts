import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor, ANYONE_SIGNED_IN } from '../../../kernel/src/index.js';
import { CurrentActor, Roles } from '../../../http/src/index.js';
import { CycleView, GetCycle } from './get-cycle.query.js';

@ApiTags('cycles')
@Controller('cycles')
export class GetCycleHttp {
  constructor(@Inject(GetCycle) private readonly query: GetCycle) {}

  /** The cycle and its returns with their states (an agency lead sees only their agency's). */
  @Get(':cycleId')
  @Roles(ANYONE_SIGNED_IN)
  @ApiOperation({
    summary: 'A cycle and the state of each of its returns',
    description:
      'Who has and has not returned, with due dates and overdue flags. Agency leads see only theirs. ' +
      'The ETag is the version to send back as If-Match when opening, extending or closing it.',
  })
  @ApiOkResponse({ description: 'The cycle' })
  async get(
    @Param('cycleId') cycleId: string,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CycleView> {
    const view = await this.query.view(actor, cycleId);
    res.setHeader('ETag', `"${view.version}"`);
    return view;
  }
}
