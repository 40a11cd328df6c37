import { Module } from '@nestjs/common';
import { ImportPlanHttp } from './import-plan/import-plan.http.js';

@Module({ controllers: [ImportPlanHttp] })
export class PlanModule {}
