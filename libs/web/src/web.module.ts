import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AuthModule } from '../../auth/src/index.js';
import {
  ChaseScheduleQuery,
  CycleChases,
  CycleReturns,
  MailPreferences,
  workingCalendarProvider,
} from '../../chasing/src/index.js';
import { PlanModule } from '../../plan/src/index.js';
import { PublishedReports } from '../../reporting/src/index.js';
import { ReturnsModule } from '../../returns/src/index.js';
import { AgencyPages } from './agency.pages.js';
import { AgencySpreadsheetPages } from './agency-spreadsheet/agency-spreadsheet.pages.js';
import { AgencyEvidencePages } from './agency-evidence/agency-evidence.pages.js';
import { AgencyReturns } from './agency-returns/agency-returns.query.js';
import { ChasePagesQuery } from './chase-pages/chase-pages.query.js';
import { ChasePages } from './coordinate/chase.pages.js';
import { AppendicesPages } from './coordinate/appendices.pages.js';
import { CycleDashboardPages } from './coordinate/cycle-dashboard.pages.js';
import { CyclesPages } from './coordinate/cycles.pages.js';
import { HistoricalCyclePages } from './coordinate/historical-cycle.pages.js';
import { PlanPages } from './coordinate/plan.pages.js';
import { PlanPartsPages } from './coordinate/plan-parts.pages.js';
import { ForgetPersonPages } from './coordinate/forget-person.pages.js';
import { RetentionPages } from './coordinate/retention.pages.js';
import { ReturnPages } from './coordinate/return.pages.js';
import { AgencyConversationPages, StaffConversationPages } from './conversation/conversation.pages.js';
import { ReturnThread } from './conversation/return-thread.query.js';
import { CycleDashboard } from './cycle-dashboard/cycle-dashboard.query.js';
import { CyclePlanWords } from './plan-words.js';
import { ReturnHistory } from './return-history/return-history.query.js';
import { ReviewQueue } from './review-queue/review-queue.query.js';
import { ReviewReturn } from './review-return/review-return.query.js';
import { ReviewPages } from './review.pages.js';
import { ReviewBulkPages } from './review-bulk/review-bulk.pages.js';
import { ServicePages } from './service-pages.js';
import { SignInPage } from './sign-in.page.js';
import { AccountPages } from './account/account.pages.js';
import { PasswordResetPages } from './account/password-reset.pages.js';
import { CycleLinksPages } from './cycle-links/cycle-links.pages.js';
import { StaffPages } from './staff/staff.pages.js';
import { ForgetStaffPages } from './staff/forget-staff.pages.js';
import { ViewerPages } from './viewer/viewer.pages.js';
import { SingleSignOnPages } from './single-sign-on.pages.js';
import { SignOnSetupPages } from './sign-on-setup/sign-on-setup.pages.js';

/**
 * The pages people use in a browser (GOV.UK Frontend, no JavaScript needed). They read through the libs'
 * queries (and the page-only ones here, built on them) and write through the API's own commands.
 */
@Module({
  imports: [CqrsModule, ReturnsModule, AuthModule, PlanModule],
  // CyclesPages first: its `cycles/new` must be matched before the dashboard's `cycles/:cycleId`.
  controllers: [
    SignInPage,
    SingleSignOnPages,
    SignOnSetupPages,
    ServicePages,
    // The messages pages before the agency's and the review's own `returns/:returnId/...` routes.
    AgencyConversationPages,
    StaffConversationPages,
    AgencyPages,
    AgencySpreadsheetPages,
    AgencyEvidencePages,
    ReviewPages,
    ReviewBulkPages,
    CyclesPages,
    HistoricalCyclePages,
    HistoricalCyclePages,
    ChasePages,
    CycleDashboardPages,
    AppendicesPages,
    ReturnPages,
    PlanPages,
    PlanPartsPages,
    ForgetPersonPages,
    RetentionPages,
    // Staff, accounts, links and the viewer's pages (CycleLinksPages before the dashboard's `:action`).
    CycleLinksPages,
    ForgetStaffPages,
    StaffPages,
    AccountPages,
    PasswordResetPages,
    ViewerPages,
  ],
  providers: [
    CyclePlanWords,
    CycleChases,
    CycleDashboard,
    ReviewQueue,
    ReviewReturn,
    AgencyReturns,
    // The chase pages read what the chasing API reads, through the same queries.
    CycleReturns,
    ChaseScheduleQuery,
    workingCalendarProvider,
    ChasePagesQuery,
    ReturnHistory,
    // The account page's mail choice, read as GET /account/mail-preferences reads it.
    MailPreferences,
    // The viewer's page lists a cycle's publications as the API does.
    PublishedReports,
    ReturnThread,
  ],
})
export class WebModule {}
