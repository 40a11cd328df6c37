import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsString, MaxLength } from 'class-validator';
import { EventStore, metadataFor } from '../../../event-store/src/index.js';
import { CorrelationId, CurrentActor, Optional, Roles } from '../../../http/src/index.js';
import { Actor, DomainError } from '../../../kernel/src/index.js';
import { parsePlanFile } from '../parse-plan-file.js';
import { importPlan, ImportPlanResult, previewPlanImport } from './import-plan.js';

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
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  @Post()
  @Roles(['coordinator'], 'Only a coordinator can load the plan')
  @HttpCode(200)
  async import(
    @Body() body: ImportPlanDto,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
  ): Promise<ImportPlanResult & { dryRun: boolean }> {
    const parsed = parsePlanFile(body.yaml);
    if (!parsed.ok) {
      const problems = parsed.problems;
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
    if (parsed.plan.partnership.id !== actor.partnershipId) {
      throw new DomainError(
        'other-partnership',
        `This file is for partnership "${parsed.plan.partnership.id}"; you coordinate "${actor.partnershipId}"`,
        'unprocessable',
        'yaml',
      );
    }
    if (body.dryRun) return { ...(await previewPlanImport(this.store, parsed.plan)), dryRun: true };
    const result = await importPlan(
      this.store,
      parsed.plan,
      metadataFor({ actor, correlationId }, 'plan imported'),
    );
    return { ...result, dryRun: false };
  }
}
