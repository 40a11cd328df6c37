import { Module } from '@nestjs/common';
import { ImportPlanFile } from './import-plan/import-plan-file.js';
import { ImportPlanHttp } from './import-plan/import-plan.http.js';

@Module({ controllers: [ImportPlanHttp], providers: [ImportPlanFile], exports: [ImportPlanFile] })
export class PlanModule {}
