import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor, ANY_STAFF } from '../../../kernel/src/index.js';
import { CurrentActor, Roles } from '../../../http/src/index.js';
import { AppendicesView, GetAppendices } from './get-appendices.query.js';

@ApiTags('appendices')
@Controller('cycles/:cycleId/appendices')
export class GetAppendicesHttp {
  constructor(@Inject(GetAppendices) private readonly query: GetAppendices) {}

  @Get()
  @Roles(ANY_STAFF, 'Only staff can read the appendices as they are managed')
  @ApiOperation({
    summary: "A cycle's appendices in their order, with the agencies' case studies that could be placed",
    description:
      'The ETag is the version to send back as If-Match with the next change (0 before the first appendix).',
  })
  @ApiOkResponse({ description: 'The appendices' })
  async get(
    @Param('cycleId') cycleId: string,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AppendicesView> {
    const view = await this.query.view(actor, cycleId);
    res.setHeader('ETag', `"${view.version}"`);
    return view;
  }
}
