import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsString, MaxLength } from 'class-validator';
import { CorrelationId, CurrentActor, Optional, Roles } from '../../../http/src/index.js';
import { Actor, DomainError } from '../../../kernel/src/index.js';
import { ImportPlanResult } from './import-plan.js';
import { ImportPlanFile } from './import-plan-file.js';

export class ImportPlanDto {
  @ApiProperty({ description: 'The plan file, as YAML (see examples/sevenoaks-2019-22.yaml)' })
  @IsString()
  @MaxLength(1_000_000)
  yaml: string;

  @ApiPropertyOptional({ description: 'Only report what would change; record nothing' })
  @Optional()
  @IsBoolean()
  dryRun?: boolean;
}

/** The coordinator loads or edits the plan: the whole file is checked first, then only changes are recorded. */
@ApiTags('plan')
@Controller('plan/import')
export class ImportPlanHttp {
  constructor(@Inject(ImportPlanFile) private readonly plans: ImportPlanFile) {}

  @Post()
  @Roles(['coordinator'], 'Only a coordinator can load the plan')
  @HttpCode(200)
  async import(
    @Body() body: ImportPlanDto,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
  ): Promise<ImportPlanResult & { dryRun: boolean }> {
    const done = await this.plans.import(body.yaml, { actor, correlationId }, body.dryRun === true);
    if (done.outcome === 'invalid') {
      const problems = done.problems;
      throw new DomainError(
        'invalid-plan-file',
        `The plan file has ${problems.length} problem(s)`,
        'unprocessable',
        'yaml',
        {
          problems,
        },
      );
    }
    if (done.outcome === 'other-partnership') {
      throw new DomainError(
        'other-partnership',
        `This file is for partnership "${done.partnershipId}"; you coordinate "${actor.partnershipId}"`,
        'unprocessable',
        'yaml',
      );
    }
    return { ...done.result, dryRun: done.dryRun };
  }
}
