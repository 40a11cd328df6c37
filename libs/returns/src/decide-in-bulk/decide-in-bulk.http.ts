import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiIdempotencyKey, Roles } from '../../../http/src/index.js';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { CommandResultDto, WriteEnvelope } from '../command-http.js';
import { CycleNames } from '../cycle/cycle-names.js';
import { BulkDecisionResult, DecideInBulkCommand } from './decide-in-bulk.command.js';
import { BulkDecisionDto } from './decide-in-bulk.dto.js';
import {
  BULK_DECISION_NAMES,
  BULK_LIMIT,
  BULK_MODES,
  BulkDecision,
  BulkMode,
  BulkOutcome,
} from './decide-in-bulk.rules.js';

class DecidedReturnDto extends CommandResultDto {
  @ApiProperty({ example: 'S1' }) measureRef: string;
}

class RefusedReturnDto {
  @ApiProperty({ example: 'y1-2019-20.S2' }) returnId: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Null when no such return is found' })
  measureRef: string | null;
  @ApiProperty({
    description: 'The rule it breaks, as the single decision names it',
    example: 'return-changed',
  })
  rule: string;
  @ApiProperty({
    example: 'It changed since you saw it (you saw version 3; it is now at 4): look at it again',
  })
  message: string;
}

class HeldReturnDto {
  @ApiProperty({ example: 'y1-2019-20.S3' }) returnId: string;
  @ApiProperty({ example: 'S3' }) measureRef: string;
}

class BulkDecisionResultDto implements BulkDecisionResult {
  @ApiProperty({ enum: BULK_DECISION_NAMES }) decision: BulkDecision;
  @ApiProperty({ enum: BULK_MODES }) mode: BulkMode;
  @ApiProperty({ enum: ['all-decided', 'some-decided', 'none-decided'] }) outcome: BulkOutcome;
  @ApiProperty({ type: [DecidedReturnDto] }) decided: DecidedReturnDto[];
  @ApiProperty({ type: [RefusedReturnDto], description: 'Each return that could not be decided, and why' })
  refused: RefusedReturnDto[];
  @ApiProperty({
    type: [HeldReturnDto],
    description: 'Returns that could have been decided but were not, because the mode was all-or-nothing',
  })
  held: HeldReturnDto[];
}

@ApiTags('returns')
@Controller('returns')
export class DecideInBulkHttp {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(CycleNames) private readonly names: CycleNames,
  ) {}

  @Post('bulk-decisions')
  // Board members accept in bulk; what each role may decide is the single decision's rule, return by return.
  @Roles(
    ['reviewer', 'coordinator', 'board'],
    'Only reviewers, coordinators and board members decide returns',
  )
  @HttpCode(200)
  @ApiOperation({
    summary: `Approve, accept or send back up to ${BULK_LIMIT} returns at once (reviewer, coordinator or board member)`,
    description:
      'Each return is decided as a single approve, accept or send-back would be (four-eyes, its state, its cycle, ' +
      'the role: a reviewer approves and sends back, a coordinator or board member accepts) and ' +
      'only at the version given. A selection that names a return twice, or sends back without a reason, is ' +
      'refused whole (422, naming the field). Otherwise the answer is 200 and says which returns were decided, ' +
      'which were refused and why, and which were left alone because the mode was all-or-nothing.',
  })
  @ApiIdempotencyKey()
  @ApiOkResponse({ type: BulkDecisionResultDto })
  async decide(
    @Body() body: BulkDecisionDto,
    @WriteEnvelope() envelope: CommandEnvelope,
  ): Promise<BulkDecisionResult> {
    // Within their own partnership, people may name a cycle by its name alone, as in a return's address.
    const returns = await Promise.all(
      body.returns.map(async (r) => ({
        returnId: await this.names.returnId(envelope.actor.partnershipId, r.returnId),
        version: r.version,
      })),
    );
    return this.commands.execute(
      new DecideInBulkCommand(envelope, body.decision, body.mode, returns, body.reason),
    );
  }
}
