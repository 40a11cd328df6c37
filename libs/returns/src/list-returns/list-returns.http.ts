import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Actor, ANYONE_SIGNED_IN } from '../../../kernel/src/index.js';
import { CurrentActor, Optional, Roles } from '../../../http/src/index.js';
import { ReturnStatus } from '../return/return.state.js';
import { ListReturns, ReturnSummary } from './list-returns.query.js';

const STATUSES: ReturnStatus[] = ['requested', 'draft', 'submitted', 'approved', 'accepted', 'withdrawn'];

export class ListReturnsQuery {
  @ApiProperty({
    description: 'The cycle whose returns to list (required): its id, or in your partnership its name',
    example: 'y1-2019-20',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(129)
  cycleId: string;

  @ApiPropertyOptional({ description: 'Only this agency’s returns (agency leads only ever see their own)' })
  @Optional()
  @IsString()
  @MaxLength(64)
  agencyId?: string;

  @ApiPropertyOptional({ description: 'Only returns in this state', enum: STATUSES })
  @Optional()
  @IsIn(STATUSES)
  status?: ReturnStatus;
}

@ApiTags('returns')
@Controller('returns')
export class ListReturnsHttp {
  constructor(@Inject(ListReturns) private readonly query: ListReturns) {}

  @Get()
  @Roles(ANYONE_SIGNED_IN)
  @ApiOperation({
    summary: 'The returns of a cycle, filtered by agency and state',
    description: 'Summaries without content; GET /returns/{returnId} has the content and history of one.',
  })
  @ApiOkResponse({ description: 'The returns, in the order the cycle requested them' })
  async list(
    @Query() query: ListReturnsQuery,
    @CurrentActor() actor: Actor,
  ): Promise<{ cycleId: string; returns: ReturnSummary[] }> {
    return this.query.list(actor, query.cycleId, { agencyId: query.agencyId, status: query.status });
  }
}
