import { Body, Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiVersionedWrite, Roles } from '../../../http/src/index.js';
import { CommandResultDto, WriteEnvelope, withETag } from '../command-http.js';

import { ExtendDeadlineDto } from '../extend-deadline/extend-deadline.dto.js';
import { AgencyExtensionResult, ExtendAgencyDeadlineCommand } from './extend-agency-deadline.command.js';

class AgencyExtensionResultDto extends CommandResultDto implements AgencyExtensionResult {
  @ApiProperty({ example: 'kent-cc' }) agencyId: string;
  @ApiProperty({ example: '2020-05-31', format: 'date' }) dueDate: string;
  @ApiProperty({ type: [CommandResultDto], description: 'Every return extended, with its new version' })
  returns: CommandResultDto[];
}

@ApiTags('cycles')
@Controller('cycles/:cycleId/agencies/:agencyId')
export class ExtendAgencyDeadlineHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post('extend')
  @Roles(['coordinator'], 'Only a coordinator can extend a deadline')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Extend the deadline of every unresolved return of one agency in a cycle (coordinator)',
    description:
      'All or nothing: if one of those returns cannot take the new date, or changed meanwhile, none is ' +
      "extended. If-Match and the ETag are the cycle's version, which this does not change.",
  })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: AgencyExtensionResultDto })
  async extend(
    @Param('cycleId') cycleId: string,
    @Param('agencyId') agencyId: string,
    @Body() body: ExtendDeadlineDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AgencyExtensionResult> {
    const command = new ExtendAgencyDeadlineCommand(envelope, cycleId, agencyId, body.dueDate, body.reason);
    return withETag(res, await this.commands.execute(command));
  }
}
