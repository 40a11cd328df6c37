import { Inject, Injectable } from '@nestjs/common';
import { issuedLinkToken } from '../../../kernel/src/index.js';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import { EventStore } from '../../../event-store/src/index.js';
import { MailSender, OutgoingMail, returnMessageMail, MailLedgerService } from '../../../mail/src/index.js';
import { PlanRepository } from '../../../plan/src/index.js';
import { MessageNoticeJob } from '../../../queues/src/index.js';
import {
  ConversationEvent,
  conversationStreamId,
  CycleRepository,
  foldReturnEvents,
  ReturnEvent,
  returnStreamId,
} from '../../../returns/src/index.js';
import { CycleReturns } from '../cycle-returns.js';
import { MessageMailPlan } from './message-mail-plan.js';
import { deliverEach, ReturnNoticeOutcome } from './deliver-each.js';

/**
 * One mail per message to those on the other side of the thread who hear of it at once (see MessageMailPlan:
 * every agency lead, and staff who chose "at once"; other staff find it in their digest), each once per recipient
 * through the mail ledger, saying why it came and linking to the page to answer on: the lead's messages page
 * (with their submission link to open a session), or the staff's.
 */
@Injectable()
export class SendMessageNotice {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleReturns) private readonly cycleReturns: CycleReturns,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
    @Inject(MailLedgerService) private readonly ledger: MailLedgerService,
    @Inject(MailSender) private readonly mail: MailSender,
    @Inject(MessageMailPlan) private readonly plan: MessageMailPlan,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(job: MessageNoticeJob, willRetry: boolean): Promise<ReturnNoticeOutcome> {
    const nothing = { sent: 0, recipients: 0 };
    const [posted] = await this.store.readStream<ConversationEvent>(conversationStreamId(job.returnId), {
      fromVersion: job.version,
    });
    if (!posted || posted.version !== job.version || posted.type !== 'ReturnMessagePosted') return nothing;
    const message = (posted as unknown as Extract<ConversationEvent, { type: 'ReturnMessagePosted' }>).data;
    const state = foldReturnEvents(
      await this.store.readStream<ReturnEvent>(returnStreamId(job.returnId), { asAt: posted.recordedAt }),
    );
    if (state.status === 'none') return nothing;
    // The cycle alone (its label, its links), not every return of it: a notice per submission must not cost
    // a read of the whole cycle's returns.
    const { state: cycle } = await this.cycles.load(state.cycleId);
    if (cycle.status === 'none' || cycle.status === 'drafted') return nothing;
    const plan = await this.plans.plan(state.partnershipId, state.planId);
    const measureText = plan.status === 'adopted' ? (plan.measures.get(state.measureRef)?.text ?? '') : '';
    const { partnershipName, agency } = await this.cycleReturns.agency(state.partnershipId, state.agencyId);
    const leads = [...(agency?.contacts.values() ?? [])].filter((c) => c.role === 'lead');
    const recipients = (
      await this.plan.deliveries(
        message,
        state,
        leads.map((c) => ({ email: c.email, name: c.name })),
        posted.recordedAt,
      )
    ).filter((r) => r.way === 'at-once');
    const authorInWords = await this.plan.authorInWords(message, state.partnershipId, {
      name: agency?.name ?? state.agencyId,
      contactName: agency?.contacts.get(message.author)?.name,
    });
    const base = this.config.publicBaseUrl;
    const returnPath = encodeURIComponent(state.returnId);
    const mails: OutgoingMail[] = recipients.map((r) => {
      const link =
        r.side === 'agency'
          ? Object.values(cycle.links).find(
              (l) => l.agencyId === state.agencyId && l.contactEmail === r.email && !l.revoked,
            )
          : undefined;
      return returnMessageMail({
        to: r.email,
        name: r.name,
        partnershipName,
        cycleLabel: cycle.label,
        measureRef: state.measureRef,
        measureText,
        authorInWords,
        body: message.body,
        changeRequest: message.changeRequest,
        actUrl:
          r.side === 'agency'
            ? `${base}/agency/returns/${returnPath}/messages`
            : `${base}/review/returns/${returnPath}/messages`,
        signIn:
          r.side === 'staff'
            ? null
            : link
              ? {
                  words: 'If you are not signed in, open your link first:',
                  url: `${base}/l/${issuedLinkToken(this.config.tokenPepper, link.linkId, cycle.tokenHashes[link.linkId])}`,
                }
              : { words: 'If you are not signed in, ask for a new link:', url: `${base}/link/new` },
      });
    });
    return deliverEach(
      this.ledger,
      this.mail,
      mails,
      {
        returnId: state.returnId,
        key: `message-${message.messageId}`,
        causation: `message-${job.eventPosition}`,
      },
      willRetry,
    );
  }
}
