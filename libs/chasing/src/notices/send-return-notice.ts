import { Inject, Injectable } from '@nestjs/common';
import { issuedLinkToken, londonDay } from '../../../kernel/src/index.js';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import { EventStore } from '../../../event-store/src/index.js';
import {
  MailSender,
  OutgoingMail,
  returnSentBackMail,
  returnSubmittedMail,
  MailLedgerService,
} from '../../../mail/src/index.js';
import { PlanRepository } from '../../../plan/src/index.js';
import { ReturnNoticeJob } from '../../../queues/src/index.js';
import {
  CycleRepository,
  ReturnEvent,
  returnStreamId,
  foldReturnEvents,
} from '../../../returns/src/index.js';
import { CycleReturns } from '../cycle-returns.js';
import { DigestReaders } from '../digests/digest-readers.js';
import { StaffMailUrls } from '../digests/staff-mail-urls.js';
import { deliveryAt } from '../mail-preferences/mail-preference.js';
import { deliverEach, ReturnNoticeOutcome } from './deliver-each.js';

export type { ReturnNoticeOutcome } from './deliver-each.js';

/**
 * The notices a review step causes, sent once each per recipient through the mail ledger: a return sent back
 * mails the agency's leads at once with the reviewer's reason; a submission mails the reviewers of its theme
 * (a reviewer with no themes assigned reviews them all) who chose to hear at once; everyone else finds it in
 * their digest of its window (SendDigests).
 */
@Injectable()
export class SendReturnNotice {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleReturns) private readonly cycleReturns: CycleReturns,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
    @Inject(MailLedgerService) private readonly ledger: MailLedgerService,
    @Inject(MailSender) private readonly mail: MailSender,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DigestReaders) private readonly readers: DigestReaders,
    @Inject(StaffMailUrls) private readonly urls: StaffMailUrls,
  ) {}

  async execute(job: ReturnNoticeJob, willRetry: boolean): Promise<ReturnNoticeOutcome> {
    const events = await this.store.readStream<ReturnEvent>(returnStreamId(job.returnId), {});
    const upTo = events.filter((e) => e.version <= job.version);
    const last = upTo[upTo.length - 1];
    if (!last || last.version !== job.version) return { sent: 0, recipients: 0 };
    const event = { type: last.type, data: last.data } as ReturnEvent;
    const state = foldReturnEvents(upTo);
    if (state.status === 'none') return { sent: 0, recipients: 0 };
    // The cycle alone (its label, its links), not every return of it: a notice per submission must not cost
    // a read of the whole cycle's returns.
    const { state: cycle } = await this.cycles.load(state.cycleId);
    if (cycle.status === 'none' || cycle.status === 'drafted') return { sent: 0, recipients: 0 };
    const plan = await this.plans.plan(state.partnershipId, state.planId);
    const measureText = plan.status === 'adopted' ? (plan.measures.get(state.measureRef)?.text ?? '') : '';
    const { partnershipName, agency } = await this.cycleReturns.agency(state.partnershipId, state.agencyId);

    const mails: OutgoingMail[] = [];
    if (event.type === 'ReturnSentBack') {
      for (const contact of [...(agency?.contacts.values() ?? [])].filter((c) => c.role === 'lead')) {
        const link = Object.values(cycle.links).find(
          (l) => l.agencyId === state.agencyId && l.contactEmail === contact.email && !l.revoked,
        );
        mails.push(
          returnSentBackMail({
            to: contact.email,
            contactName: contact.name,
            agencyName: agency?.name ?? state.agencyId,
            partnershipName,
            cycleLabel: cycle.label,
            measureRef: state.measureRef,
            measureText,
            reason: event.data.reason,
            dueDate: state.dueDate,
            // The day in the UK it was sent back, as the due date is a UK day.
            sentBackOn: londonDay(last.recordedAt),
            link: link
              ? `${this.config.publicBaseUrl}/l/${issuedLinkToken(this.config.tokenPepper, link.linkId, cycle.tokenHashes[link.linkId])}`
              : null,
          }),
        );
      }
    } else if (event.type === 'ReturnSubmitted') {
      const theme = plan.status === 'adopted' ? plan.themes.get(state.themeId) : undefined;
      const at = last.recordedAt;
      const reviewers = await this.readers.reviewersOf(state.partnershipId, state.themeId);
      for (const reviewer of reviewers.filter((r) => deliveryAt(r.preference, at).delivery === 'at-once')) {
        mails.push(
          returnSubmittedMail({
            to: reviewer.email,
            name: reviewer.name,
            partnershipName,
            cycleLabel: cycle.label,
            agencyName: agency?.name ?? state.agencyId,
            themeTitle: theme?.title ?? state.themeId,
            measureRef: state.measureRef,
            measureText,
            late: event.data.late,
            reviewUrl: this.urls.reviewPage(state.returnId),
            queueUrl: this.urls.queue,
            why: this.urls.why(reviewer, theme?.title ?? state.themeId, at),
          }),
        );
      }
    }
    return deliverEach(
      this.ledger,
      this.mail,
      mails,
      { returnId: state.returnId, key: `v${job.version}`, causation: `notice-${job.eventPosition}` },
      willRetry,
    );
  }
}
