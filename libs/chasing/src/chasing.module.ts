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
import { ChooseMailDeliveryHandler } from './mail-preferences/mail-preferences.handler.js';
import { MailPreferencesHttp } from './mail-preferences/mail-preferences.http.js';
import { MailPreferences } from './mail-preferences/mail-preferences.query.js';

/** The api's side of chasing: chase now, the planned schedule, what was sent, and each person's mail preference. */
@Module({
  imports: [CqrsModule],
  controllers: [ChaseNowHttp, ChaseScheduleHttp, ChasesHttp, MailPreferencesHttp],
  providers: [
    CycleRepository,
    PlanRepository,
    CycleReturns,
    workingCalendarProvider,
    ChaseNowHandler,
    CycleChases,
    ChaseScheduleQuery,
    MailPreferences,
    ChooseMailDeliveryHandler,
  ],
  // The account page reads and changes the preference through these, as the API does.
  exports: [MailPreferences],
})
export class ChasingModule {}
