import { Body, Controller, Inject, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import type { Response } from 'express';
import {
  ApiIdempotencyKey,
  CorrelationId,
  CurrentActor,
  IsCalendarDate,
  NestedObject,
  Optional,
  Roles,
} from '../../../http/src/index.js';
import { ChasePolicyDto } from './chase-policy.dto.js';
import { SIGN_OFFS, SignOff } from '../cycle/sign-off.js';
import { ChasePolicy, CommandResult, CYCLE_NAME, scopedCycleId, Actor } from '../../../kernel/src/index.js';
import { CommandResultDto } from '../command-http.js';
import { DraftCycleCommand } from './draft-cycle.command.js';

const SLUG = /^[a-z0-9-]{1,64}$/;

export class DraftCycleDto {
  @ApiProperty({ description: 'Your partnership', example: 'sevenoaks-lsp', pattern: SLUG.source })
  @IsString()
  @Matches(SLUG)
  partnershipId: string;

  @ApiProperty({
    description: 'The plan whose measures the cycle asks about',
    example: 'community-plan-2019-22',
  })
  @IsString()
  @Matches(SLUG)
  planId: string;

  @ApiProperty({
    description: 'What people call the cycle',
    example: 'Year 1 2019/20 (April 2019 - March 2020)',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  label: string;

  @ApiProperty({ description: 'First day of the period monitored', example: '2019-04-01', format: 'date' })
  @IsCalendarDate()
  periodStart: string;

  @ApiProperty({ description: 'Last day of the period monitored', example: '2020-03-31', format: 'date' })
  @IsCalendarDate()
  periodEnd: string;

  @ApiProperty({
    description: 'When returns are due; after the period starts',
    example: '2020-04-30',
    format: 'date',
  })
  @IsCalendarDate()
  dueDate: string;

  @ApiPropertyOptional({
    description:
      "A name for the cycle, unique in your partnership (409 `cycle-exists` when taken). The cycle's id is " +
      '`<partnershipId>~<name>`; in URLs of your own partnership the name alone works too. Left out, the name ' +
      'is made from the label: "Year 1 2019/20" gives `year-1-2019-20`, or `year-1-2019-20-2`, `-3`... when ' +
      'your partnership has that name already; a UUID when the label has no letters or digits. The answer and ' +
      '`Location` give the id made.',
    example: 'y1-2019-20',
    pattern: CYCLE_NAME.source,
  })
  @Optional()
  @IsString()
  @Matches(CYCLE_NAME)
  cycleId?: string;

  @ApiPropertyOptional({
    description:
      'The report\'s own title; left out, it is made from the plan and the period ("... Annual Monitoring ' +
      'Report 2019/20"). Can be changed later with PUT /cycles/{cycleId}/report-headings.',
    maxLength: 200,
  })
  @Optional()
  @IsString()
  @MaxLength(200)
  reportTitle?: string;

  @ApiPropertyOptional({
    description:
      'The year heading over the progress column; left out, "Year n (April 2019 - March 2020)" with n counted ' +
      'from the start of the plan.',
    maxLength: 200,
  })
  @Optional()
  @IsString()
  @MaxLength(200)
  yearHeading?: string;

  @ApiPropertyOptional({
    enum: SIGN_OFFS,
    default: 'one-stage',
    description:
      "One stage: a reviewer's approval is final. Two stages: after a reviewer approves, a coordinator or board " +
      'member accepts the return (or returns it to review) before the report shows it.',
  })
  @Optional()
  @IsIn(SIGN_OFFS)
  signOff?: SignOff;

  @ApiPropertyOptional({
    type: ChasePolicyDto,
    description: 'How overdue agencies are chased; defaults apply',
  })
  @Optional()
  @NestedObject(() => ChasePolicyDto)
  chasePolicy?: ChasePolicyDto;
}

@ApiTags('cycles')
@Controller('cycles')
export class DraftCycleHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post()
  @Roles(['coordinator'], 'Only a coordinator can draft, open, close or publish a cycle')
  @ApiOperation({
    summary: 'Draft a cycle (coordinator)',
    description: 'Nothing is requested until it is opened.',
  })
  @ApiIdempotencyKey()
  @ApiCreatedResponse({
    type: CommandResultDto,
    description: 'The cycle is drafted; open it to request the returns.',
  })
  async draft(
    @Body() body: DraftCycleDto,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommandResult> {
    const { cycleId: name, ...facts } = body;
    const result = await this.commands.execute(
      // A partial policy: the rules fill in the defaults and check it whole. Without a name, the handler makes
      // one from the label.
      new DraftCycleCommand(
        { actor, correlationId },
        {
          ...(name !== undefined ? { cycleId: scopedCycleId(facts.partnershipId, name) } : {}),
          ...facts,
          chasePolicy: facts.chasePolicy as ChasePolicy | undefined,
        },
      ),
    );
    res
      .setHeader('ETag', `"${result.version}"`)
      .setHeader('Location', `/cycles/${encodeURIComponent(result.id)}`);
    return result;
  }
}
