import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import {
  MailSender,
  DeliveryResult,
  MailLedgerService,
  returnsRequestedMail,
} from '../../../mail/src/index.js';
import { PlanRepository } from '../../../plan/src/index.js';
import { SubmissionLinkMailJob } from '../../../queues/src/index.js';
import { CycleRepository } from '../../../returns/src/index.js';
import { issuedLinkToken } from '../../../kernel/src/index.js';
import { NEW_LINK_PAGE } from '../request-new-link/request-new-link.service.js';

/** A link's mail ledger: one stream per link, so a cycle of thousands of links never reads a long stream. */
export const linkMailStreamId = (cycleId: string, linkId: string) => `link-mail:${cycleId}:${linkId}`;

export type LinkMailOutcome = DeliveryResult | { outcome: 'not-owed'; why: string };

/**
 * The mail that carries an agency contact's submission link, sent once through the mail ledger. What it says is
 * read again from the events, and the token is re-derived from the link id and the pepper: no job holds it.
 */
@Injectable()
export class SendLinkMail {
  constructor(
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
    @Inject(MailLedgerService) private readonly ledger: MailLedgerService,
    @Inject(MailSender) private readonly mail: MailSender,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(job: SubmissionLinkMailJob, willRetry: boolean): Promise<LinkMailOutcome> {
    const { state: cycle } = await this.cycles.load(job.cycleId);
    if (cycle.status === 'none' || cycle.status === 'drafted') throw new UnrecoverableError('cycle not open');
    const link = cycle.links[job.linkId];
    // A link revoked before its mail went out, or a cycle already closed: the mail would only mislead.
    if (!link) return { outcome: 'not-owed', why: 'no such link' };
    if (link.revoked) return { outcome: 'not-owed', why: 'link revoked' };
    if (cycle.status !== 'open') return { outcome: 'not-owed', why: `cycle ${cycle.status}` };
    const [partnership, plan] = await Promise.all([
      this.plans.partnership(cycle.partnershipId),
      this.plans.plan(cycle.partnershipId, cycle.planId),
    ]);
    const agency = partnership.status === 'registered' ? partnership.agencies.get(link.agencyId) : undefined;
    if (!agency || plan.status === 'none') throw new UnrecoverableError(`agency ${link.agencyId} not found`);
    const contact = agency.contacts.get(link.contactEmail);
    const measures = cycle.returns
      .filter((r) => r.agencyId === agency.id)
      .map((r) => ({ ref: r.measureRef, text: plan.measures.get(r.measureRef)?.text ?? '' }));
    const mail = returnsRequestedMail({
      to: link.contactEmail,
      contactName: contact?.name ?? link.contactEmail,
      agencyName: agency.name,
      partnershipName: partnership.status === 'registered' ? partnership.name : '',
      cycleLabel: cycle.label,
      dueDate: cycle.dueDate,
      measures,
      link: `${this.config.publicBaseUrl}/l/${issuedLinkToken(this.config.tokenPepper, link.linkId, cycle.tokenHashes[link.linkId])}`,
      newLinkPage: `${this.config.publicBaseUrl}${NEW_LINK_PAGE}`,
      ...(link.expiresAt ? { oneUseUntil: link.expiresAt } : {}),
    });
    return this.ledger.deliverOnce(
      {
        streamId: linkMailStreamId(job.cycleId, link.linkId),
        prefix: 'LinkMail',
        key: link.linkId,
        recipient: link.contactEmail,
        willRetry,
        send: (stillWanted) => this.mail.send(mail, stillWanted),
      },
      `link-mail-${job.eventPosition}`,
    );
  }
}
