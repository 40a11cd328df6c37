import type { MessageAuthorRole } from '../../../returns/src/index.js';

export interface Person {
  email: string;
  name: string;
}

/** Who is on each side of a return's thread. */
export interface ThreadPeople {
  /** The lead contacts of the return's current agency. */
  agencyLeads: Person[];
  /** The reviewers of the return's theme (a reviewer with no themes reviews them all). */
  themeReviewers: Person[];
  coordinators: Person[];
}

export type MessageRecipient = Person & { side: 'agency' | 'staff' };

/**
 * Who is owed a mail for one message: the other side of the thread. A lead's message goes to the theme's
 * reviewers, or to the coordinators when the theme has none; staff's go to the agency's leads. Kept apart and
 * pure so that a digest can ask the same question for a batch of messages.
 */
export function owedMailForMessage(
  message: { author: string; authorRole: MessageAuthorRole },
  people: ThreadPeople,
): MessageRecipient[] {
  const others = (list: Person[], side: MessageRecipient['side']) =>
    list.filter((p) => p.email.toLowerCase() !== message.author.toLowerCase()).map((p) => ({ ...p, side }));
  if (message.authorRole === 'agency-lead') {
    const staff = people.themeReviewers.length > 0 ? people.themeReviewers : people.coordinators;
    return others(staff, 'staff');
  }
  return others(people.agencyLeads, 'agency');
}
