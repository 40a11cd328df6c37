import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { PlanRepository } from '../../plan/src/index.js';
import { CycleRepository } from '../../returns/src/index.js';
import { workingCalendarProvider } from './calendar/calendar.provider.js';
import { ChaseNowHandler } from './chase-now/chase-now.handler.js';
import { ChaseNowHttp } from './chase-now/chase-now.http.js';
import { ChaseScheduleHttp } from './chase-schedule/chase-schedule.http.js';
import { ChaseScheduleQuery } from './chase-schedule/chase-schedule.query.js';
import { ChasesHttp } from './chases/chases.http.js';
import { CycleChases } from './chases/chases.query.js';
import { CycleReturns } from './cycle-returns.js';

/** The api's side of chasing: chase now, the planned schedule and what was sent. */
@Module({
  imports: [CqrsModule],
  controllers: [ChaseNowHttp, ChaseScheduleHttp, ChasesHttp],
  providers: [
    CycleRepository,
    PlanRepository,
    CycleReturns,
    workingCalendarProvider,
    ChaseNowHandler,
    CycleChases,
    ChaseScheduleQuery,
  ],
})
export class ChasingModule {}
