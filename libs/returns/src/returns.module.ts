import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { IdempotencyModule } from '../../http/src/index.js';
import { PlanRepository } from '../../plan/src/index.js';
import { MeasureIndicators } from './return/measure-indicators.js';
import { AppendicesRepository } from './appendices/appendices.repository.js';
import { ChangeAppendicesHandler } from './change-appendices/change-appendices.handler.js';
import { ChangeAppendicesHttp } from './change-appendices/change-appendices.http.js';
import { GetAppendicesHttp } from './get-appendices/get-appendices.http.js';
import { GetAppendices } from './get-appendices/get-appendices.query.js';
import { ConversationRepository } from './conversation/conversation.repository.js';
import { GetConversationHttp } from './get-conversation/get-conversation.http.js';
import { GetConversation } from './get-conversation/get-conversation.query.js';
import { AttachEvidenceHandler } from './attach-evidence/attach-evidence.handler.js';
import { AttachEvidenceHttp } from './attach-evidence/attach-evidence.http.js';
import { EVIDENCE_STORAGE } from './evidence/evidence-storage.js';
import { EvidenceRepository } from './evidence/evidence.repository.js';
import { PostgresEvidenceStorage } from './evidence/postgres-evidence-storage.js';
import { GetEvidenceHttp } from './get-evidence/get-evidence.http.js';
import { GetEvidence } from './get-evidence/get-evidence.query.js';
import { RemoveEvidenceHandler } from './remove-evidence/remove-evidence.handler.js';
import { RemoveEvidenceHttp } from './remove-evidence/remove-evidence.http.js';
import { ChooseEvidenceInReportHandler } from './choose-evidence-in-report/choose-evidence-in-report.handler.js';
import { ChooseEvidenceInReportHttp } from './choose-evidence-in-report/choose-evidence-in-report.http.js';
import { EvidenceListing } from './evidence-listing/evidence-listing.query.js';
import { PostMessageHandler } from './post-message/post-message.handler.js';
import { PostMessageHttp } from './post-message/post-message.http.js';
import { ResolveChangeRequestHandler } from './resolve-change-request/resolve-change-request.handler.js';
import { ResolveChangeRequestHttp } from './resolve-change-request/resolve-change-request.http.js';
import { MessagePassageRedaction } from './redact-message-passage/message-passage-redaction.js';
import { RedactMessagePassageHandler } from './redact-message-passage/redact-message-passage.handler.js';
import { RedactMessagePassageHttp } from './redact-message-passage/redact-message-passage.http.js';
import { ApproveReturnHandler } from './approve-return/approve-return.handler.js';
import { CloseCycleHandler } from './close-cycle/close-cycle.handler.js';
import { CloseCycleHttp } from './close-cycle/close-cycle.http.js';
import { SetReportHeadingsHandler } from './set-report-headings/set-report-headings.handler.js';
import { SetReportHeadingsHttp } from './set-report-headings/set-report-headings.http.js';
import { CycleNameInterceptor } from './cycle/cycle-name.interceptor.js';
import { CycleNames } from './cycle/cycle-names.js';
import { CycleRepository } from './cycle/cycle.repository.js';
import { BulkSelection } from './decide-in-bulk/bulk-selection.query.js';
import { DecideInBulkHandler } from './decide-in-bulk/decide-in-bulk.handler.js';
import { DecideInBulkHttp } from './decide-in-bulk/decide-in-bulk.http.js';
import { DiffReturnHttp } from './diff-return/diff-return.http.js';
import { DiffReturn } from './diff-return/diff-return.query.js';
import { DraftCycleHandler } from './draft-cycle/draft-cycle.handler.js';
import { DraftCycleHttp } from './draft-cycle/draft-cycle.http.js';
import { ExtendAgencyDeadlineHandler } from './extend-agency-deadline/extend-agency-deadline.handler.js';
import { ExtendAgencyDeadlineHttp } from './extend-agency-deadline/extend-agency-deadline.http.js';
import { ExtendDeadlineHandler } from './extend-deadline/extend-deadline.handler.js';
import { ExtendDeadlineHttp } from './extend-deadline/extend-deadline.http.js';
import { ForgetPersonHandler } from './forget-person/forget-person.handler.js';
import { ForgetPersonHttp } from './forget-person/forget-person.http.js';
import { RetentionRun } from './apply-retention/retention-run.js';
import { RetentionSettings } from './set-retention-periods/retention-settings.query.js';
import { SetRetentionPeriodsHandler } from './set-retention-periods/set-retention-periods.handler.js';
import { RetentionPeriodsHttp } from './set-retention-periods/set-retention-periods.http.js';
import { GetCycleHttp } from './get-cycle/get-cycle.http.js';
import { CycleReasonRedaction } from './redact-cycle-reason/cycle-reason-redaction.js';
import { RedactCycleReasonHandler } from './redact-cycle-reason/redact-cycle-reason.handler.js';
import { RedactCycleReasonHttp } from './redact-cycle-reason/redact-cycle-reason.http.js';
import { GetCycle } from './get-cycle/get-cycle.query.js';
import { GetPlanHttp } from './get-plan/get-plan.http.js';
import { GetPlan } from './get-plan/get-plan.query.js';
import { EditPlan } from './edit-plan/edit-plan.command.js';
import { GetReturnHttp } from './get-return/get-return.http.js';
import { GetReturn } from './get-return/get-return.query.js';
import { PreviousApproved } from './get-return/previous-approved.query.js';
import { ListAgenciesHttp } from './list-agencies/list-agencies.http.js';
import { ListAgencies } from './list-agencies/list-agencies.query.js';
import { ListCyclesHttp } from './list-cycles/list-cycles.http.js';
import { ListCycles } from './list-cycles/list-cycles.query.js';
import { ListReturnsHttp } from './list-returns/list-returns.http.js';
import { ListReturns } from './list-returns/list-returns.query.js';
import { OpenCycleHandler } from './open-cycle/open-cycle.handler.js';
import { OpenCycleHttp } from './open-cycle/open-cycle.http.js';
import { PartnershipIndex } from './partnership-index.js';
import { ReassignReturnHandler } from './reassign-return/reassign-return.handler.js';
import { ReassignReturnHttp } from './reassign-return/reassign-return.http.js';
import { ReopenReturnHandler } from './reopen-return/reopen-return.handler.js';
import { AcceptReturnHandler } from './accept-return/accept-return.handler.js';
import { AcceptReturnHttp } from './accept-return/accept-return.http.js';
import { ReturnToReviewHandler } from './return-to-review/return-to-review.handler.js';
import { ReturnToReviewHttp } from './return-to-review/return-to-review.http.js';
import { ReopenReturnHttp } from './reopen-return/reopen-return.http.js';
import { RecordHistoricalCycleHandler } from './record-historical-cycle/record-historical-cycle.handler.js';
import { RecordHistoricalCycleHttp } from './record-historical-cycle/record-historical-cycle.http.js';
import { PassageRedaction } from './redact-passage/passage-redaction.js';
import { AppendixPassageRedaction } from './redact-appendix-passage/appendix-passage-redaction.js';
import { ReturnCommandsHttp } from './return/return-commands.http.js';
import { ReturnRepository } from './return/return.repository.js';
import { SaveReturnDraftHandler } from './save-return-draft/save-return-draft.handler.js';
import { SaveSpreadsheetDraftsHandler } from './spreadsheet-drafts/spreadsheet-drafts.handler.js';
import { SendReturnBackHandler } from './send-return-back/send-return-back.handler.js';
import { SubmitReturnHandler } from './submit-return/submit-return.handler.js';
import { WithdrawReturnHandler } from './withdraw-return/withdraw-return.handler.js';
import { WithdrawReturnHttp } from './withdraw-return/withdraw-return.http.js';

/** The read side: one query per thing a person looks at, for the API and the pages alike. */
const READ_SIDE = [
  GetCycle,
  ListReturns,
  GetReturn,
  DiffReturn,
  ListCycles,
  ListAgencies,
  GetPlan,
  PreviousApproved,
  GetAppendices,
  BulkSelection,
  GetConversation,
  GetEvidence,
  EvidenceListing,
];

@Module({
  imports: [CqrsModule, IdempotencyModule],
  controllers: [
    RecordHistoricalCycleHttp,
    DraftCycleHttp,
    OpenCycleHttp,
    CloseCycleHttp,
    SetReportHeadingsHttp,
    ExtendAgencyDeadlineHttp,
    GetPlanHttp,
    ListAgenciesHttp,
    ListCyclesHttp,
    GetCycleHttp,
    ListReturnsHttp,
    GetReturnHttp,
    DiffReturnHttp,
    ReturnCommandsHttp,
    DecideInBulkHttp,
    ReopenReturnHttp,
    AcceptReturnHttp,
    ReturnToReviewHttp,
    ExtendDeadlineHttp,
    ReassignReturnHttp,
    WithdrawReturnHttp,
    GetAppendicesHttp,
    ChangeAppendicesHttp,
    GetConversationHttp,
    PostMessageHttp,
    ResolveChangeRequestHttp,
    RedactMessagePassageHttp,
    RedactCycleReasonHttp,
    GetEvidenceHttp,
    AttachEvidenceHttp,
    RemoveEvidenceHttp,
    ForgetPersonHttp,
    RetentionPeriodsHttp,
    ChooseEvidenceInReportHttp,
  ],
  providers: [
    PlanRepository,
    CycleRepository,
    ReturnRepository,
    MeasureIndicators,
    PartnershipIndex,
    CycleNames,
    ...READ_SIDE,
    // Global: every controller's cycleId and returnId parameters, the pages' included.
    { provide: APP_INTERCEPTOR, useClass: CycleNameInterceptor },
    DraftCycleHandler,
    OpenCycleHandler,
    SaveReturnDraftHandler,
    SaveSpreadsheetDraftsHandler,
    SubmitReturnHandler,
    ApproveReturnHandler,
    SendReturnBackHandler,
    DecideInBulkHandler,
    ReopenReturnHandler,
    AcceptReturnHandler,
    ReturnToReviewHandler,
    ExtendDeadlineHandler,
    ExtendAgencyDeadlineHandler,
    ReassignReturnHandler,
    WithdrawReturnHandler,
    CloseCycleHandler,
    RecordHistoricalCycleHandler,
    SetReportHeadingsHandler,
    AppendicesRepository,
    ChangeAppendicesHandler,
    EditPlan,
    ConversationRepository,
    // Evidence bytes in PostgreSQL; an S3-compatible store would be provided under this token instead.
    {
      provide: EVIDENCE_STORAGE,
      useFactory: (dataSource: DataSource) => new PostgresEvidenceStorage(dataSource),
      inject: [DataSource],
    },
    EvidenceRepository,
    AttachEvidenceHandler,
    RemoveEvidenceHandler,
    PostMessageHandler,
    ResolveChangeRequestHandler,
    RedactMessagePassageHandler,
    MessagePassageRedaction,
    RedactCycleReasonHandler,
    CycleReasonRedaction,
    ForgetPersonHandler,
    RetentionSettings,
    SetRetentionPeriodsHandler,
    RetentionRun,
    ChooseEvidenceInReportHandler,
    PassageRedaction,
    AppendixPassageRedaction,
  ],
  exports: [
    RetentionSettings,
    RetentionRun,
    EditPlan,
    PassageRedaction,
    AppendixPassageRedaction,
    AppendicesRepository,
    CycleRepository,
    ReturnRepository,
    PlanRepository,
    PartnershipIndex,
    CycleNames,
    EvidenceRepository,
    EVIDENCE_STORAGE,
    ...READ_SIDE,
  ],
})
export class ReturnsModule {}
