import { applyDecorators, Body, Controller, Get, HttpCode, Inject, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import type { Response } from 'express';
import { ApiVersionedWrite, CurrentActor, Roles } from '../../../http/src/index.js';
import { Actor, Clock, CommandEnvelope } from '../../../kernel/src/index.js';
import { RetentionDryRun, RetentionRun } from '../apply-retention/retention-run.js';
import { WriteEnvelope, withETag } from '../command-http.js';
import { DEFAULT_RETENTION, RETENTION_BOUNDS, RetentionField } from './retention-periods.js';
import { RetentionSettings, RetentionView } from './retention-settings.query.js';
import { SetRetentionPeriodsCommand } from './set-retention-periods.command.js';

/**
 * A period as the API takes it: a whole number within its bounds (RETENTION_BOUNDS), documented with its default.
 * The rule checks the same bounds again, wherever the command comes from (the pages' form too).
 */
function RetentionPeriod(field: RetentionField, description: string): PropertyDecorator {
  const { min, max } = RETENTION_BOUNDS[field];
  return applyDecorators(
    ApiProperty({ description, minimum: min, maximum: max, example: DEFAULT_RETENTION[field] }),
    IsInt(),
    Min(min),
    Max(max),
  );
}

export class RetentionPeriodsDto {
  @RetentionPeriod(
    'contactMonths',
    'Months after the last cycle they were part of closed that a contact no longer on the plan is forgotten',
  )
  contactMonths: number;

  @RetentionPeriod(
    'mailDays',
    'Days that copies of mail sent (dev-mail bodies, the settled mail ledger) are kept',
  )
  mailDays: number;

  @RetentionPeriod(
    'sessionDays',
    'Days that ended sessions, used or expired links and sign-in attempt records are kept',
  )
  sessionDays: number;

  @RetentionPeriod(
    'evidenceYears',
    'Years after a cycle closed that its returns’ evidence files’ bytes are deleted (their SHA-256 is kept)',
  )
  evidenceYears: number;
}

export class RetentionViewDto extends RetentionPeriodsDto implements RetentionView {
  @ApiProperty({ description: 'False while the defaults apply because no coordinator has set the periods' })
  set: boolean;
  @ApiProperty({ description: 'Send it back as If-Match', example: 1 })
  version: number;
}

class DueContactDto {
  @ApiProperty() name: string;
  @ApiProperty() email: string;
  @ApiProperty() agencyId: string;
  @ApiProperty({ description: 'When their period began: they left the plan, or their last cycle closed' })
  since: string;
}

class DueFileDto {
  @ApiProperty() returnId: string;
  @ApiProperty() evidenceId: string;
  @ApiProperty() title: string;
}

export class RetentionDryRunDto implements RetentionDryRun {
  @ApiProperty({ type: RetentionPeriodsDto }) periods: RetentionPeriodsDto;
  @ApiProperty({ type: [DueContactDto], description: 'Contacts the next run forgets' })
  contacts: DueContactDto[];
  @ApiProperty({ type: [DueFileDto], description: 'Files whose bytes the next run deletes' })
  evidence: DueFileDto[];
  @ApiProperty({ description: 'Ended sessions of the partnership the next run deletes' }) sessions: number;
  @ApiProperty({ description: 'Used or expired password links of its staff the next run deletes' })
  passwordLinks: number;
  @ApiProperty({ description: 'Copies of mail sent before this instant are deleted' }) mailBefore: string;
  @ApiProperty({ description: 'Sessions and links that ended before this instant are deleted' })
  sessionsBefore: string;
}

const COORDINATORS_ONLY = 'Only a coordinator sets retention periods';

@ApiTags('partnership')
// Always the coordinator's own partnership: there is no id in the path to point at another one.
@Controller('partnership/retention')
@Roles(['coordinator'], COORDINATORS_ONLY)
export class RetentionPeriodsHttp {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(RetentionSettings) private readonly settings: RetentionSettings,
    @Inject(RetentionRun) private readonly retention: RetentionRun,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Your partnership’s retention periods (the defaults until set) (coordinator)' })
  @ApiOkResponse({ type: RetentionViewDto })
  async get(@CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response): Promise<RetentionView> {
    return withETag(res, await this.settings.view(actor.partnershipId));
  }

  @Get('due')
  @ApiOperation({
    summary: 'What the next daily retention run would forget or delete, were it to run now (coordinator)',
  })
  @ApiOkResponse({ type: RetentionDryRunDto })
  due(@CurrentActor() actor: Actor): Promise<RetentionDryRun> {
    return this.retention.dryRun(actor.partnershipId, this.clock.now());
  }

  @Put()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Set your partnership’s retention periods (coordinator)',
    description:
      'Records RetentionPeriodsSet on the partnership’s retention stream (nothing when unchanged). Each is a whole ' +
      'number within its bounds (422 naming the field otherwise); a stale If-Match is 409. The worker applies ' +
      'them daily.',
  })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: RetentionViewDto })
  async put(
    @Body() body: RetentionPeriodsDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RetentionView> {
    const { contactMonths, mailDays, sessionDays, evidenceYears } = body;
    return withETag(
      res,
      await this.commands.execute(
        new SetRetentionPeriodsCommand(envelope, { contactMonths, mailDays, sessionDays, evidenceYears }),
      ),
    );
  }
}
