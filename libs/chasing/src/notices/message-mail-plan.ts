import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { MessageAuthorRole } from '../../../returns/src/index.js';
import { DigestReaders } from '../digests/digest-readers.js';
import { MessageDelivery, messageDelivery, preferencesByEmail } from './message-delivery.js';
import { owedMailForMessage, Person } from './message-recipients.js';

const ROLE_WORDS = { coordinator: 'coordinator', reviewer: 'reviewer' } as const;

interface Message {
  author: string;
  authorRole: MessageAuthorRole;
}

/**
 * Who hears of a message and how, read the same way by the at-once sender and by the digest, so the two
 * split its staff recipients between them by the one rule (messageDelivery) and the same people.
 */
@Injectable()
export class MessageMailPlan {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(DigestReaders) private readonly readers: DigestReaders,
  ) {}

  async deliveries(
    message: Message,
    where: { partnershipId: string; themeId: string },
    agencyLeads: Person[],
    postedAt: Date,
  ): Promise<MessageDelivery[]> {
    const reviewers = await this.readers.reviewersOf(where.partnershipId, where.themeId);
    const coordinators = await this.readers.coordinatorsOf(where.partnershipId);
    const recipients = owedMailForMessage(message, {
      agencyLeads,
      themeReviewers: reviewers,
      coordinators,
    }).map(({ email, name, side }) => ({ email, name, side }));
    return messageDelivery(recipients, preferencesByEmail([...reviewers, ...coordinators]), postedAt);
  }

  /** "Ann Lee of Kent County Council", "Rita Reviewer (reviewer)". */
  async authorInWords(
    message: Message,
    partnershipId: string,
    agency: { name: string; contactName: string | undefined },
  ): Promise<string> {
    if (message.authorRole === 'agency-lead') return `${agency.contactName ?? 'the lead'} of ${agency.name}`;
    const role = ROLE_WORDS[message.authorRole as keyof typeof ROLE_WORDS] ?? 'member of staff';
    const [person]: { name: string }[] = await this.dataSource.query(
      'SELECT name FROM staff_accounts WHERE partnership_id = $1 AND lower(email) = lower($2)',
      [partnershipId, message.author],
    );
    return person ? `${person.name} (${role})` : `a ${role}`;
  }
}
