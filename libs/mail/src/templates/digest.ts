import { OutgoingMail } from '../mail-sender.js';
import { escapeHtml } from './escape-html.js';
import { page } from './outstanding-returns.js';
import { WhySent, whySentHtml, whySentText } from './why-sent.js';

/** A return an agency submitted: it waits for a reviewer. */
export interface SubmissionItem {
  kind: 'submission';
  agencyName: string;
  measureRef: string;
  measureText: string;
  themeTitle: string;
  cycleLabel: string;
  late: boolean;
  /** The review page of the return, where the reader acts. */
  pageUrl: string;
}

/** A message posted on a return's conversation by the other side: it may want an answer. */
export interface MessageItem {
  kind: 'message';
  /** "Ann Lee of Kent County Council" */
  authorInWords: string;
  measureRef: string;
  measureText: string;
  cycleLabel: string;
  /** Staff asked for a change: the return cannot be approved until it is answered. */
  changeRequest: boolean;
  /** The start of the message, so the reader can tell whether it is urgent without opening it. */
  excerpt: string;
  /** The return's messages page, where the reader answers. */
  pageUrl: string;
}

/**
 * One thing a digest tells its reader of. Open: a feature that has more to tell (conversation messages,
 * acceptances) adds its item here and one entry to ITEM_WORDS; the digest itself does not change.
 */
export type DigestItem = SubmissionItem | MessageItem;
export type DigestItemKind = DigestItem['kind'];

interface ItemWords<I> {
  /** The heading over the items of the kind: "3 returns submitted". */
  heading(count: number): string;
  /** What the item says, as one sentence. */
  line(item: I): string;
  /** The words of the link to the item's page. */
  link(item: I): string;
}

const ITEM_WORDS: { [K in DigestItemKind]: ItemWords<Extract<DigestItem, { kind: K }>> } = {
  submission: {
    heading: (n) => (n === 1 ? '1 return submitted' : `${n} returns submitted`),
    line: (i) =>
      `${i.agencyName} submitted ${i.measureRef} (${i.measureText}) under ${i.themeTitle} for ${i.cycleLabel}` +
      (i.late ? ', after its due date' : ''),
    link: (i) => `open ${i.measureRef}`,
  },
  message: {
    heading: (n) => (n === 1 ? '1 message on a return' : `${n} messages on returns`),
    line: (i) =>
      `${i.authorInWords} ${i.changeRequest ? 'asked for a change (change request) on' : 'wrote on'} ` +
      `${i.measureRef} (${i.measureText}) for ${i.cycleLabel}: “${i.excerpt}”`,
    link: (i) => `read the conversation on ${i.measureRef}`,
  },
};

const wordsOf = <K extends DigestItemKind>(item: Extract<DigestItem, { kind: K }>) =>
  ITEM_WORDS[item.kind as K] as ItemWords<typeof item>;

export interface DigestMail {
  to: string;
  name: string;
  partnershipName: string;
  /** "between 10:00am and 11:00am on 3 December 2026" */
  windowInWords: string;
  items: readonly DigestItem[];
  /** Where all the waiting work is: the review queue. */
  queueUrl: string;
  why: WhySent;
}

/** Items by kind, in the order of ITEM_WORDS, each kind keeping its items' order. */
function byKind(items: readonly DigestItem[]): [DigestItemKind, DigestItem[]][] {
  return (Object.keys(ITEM_WORDS) as DigestItemKind[])
    .map((kind): [DigestItemKind, DigestItem[]] => [kind, items.filter((i) => i.kind === kind)])
    .filter(([, of]) => of.length > 0);
}

export function digestMail(m: DigestMail): OutgoingMail {
  const groups = byKind(m.items);
  const total = groups.map(([kind, of]) => ITEM_WORDS[kind].heading(of.length)).join(', ');
  const subject = `${m.partnershipName}: ${total}`;
  const text = [
    `Dear ${m.name},`,
    '',
    `What happened ${m.windowInWords}:`,
    ...groups.flatMap(([kind, of]) => [
      '',
      ITEM_WORDS[kind].heading(of.length),
      ...of.flatMap((item) => [`- ${wordsOf(item).line(item)}`, `  ${item.pageUrl}`]),
    ]),
    '',
    `Everything waiting for review: ${m.queueUrl}`,
    '',
    ...whySentText(m.why),
    '',
    m.partnershipName,
  ].join('\n');
  const html = page(`<p>Dear ${escapeHtml(m.name)},</p>
<p>What happened ${escapeHtml(m.windowInWords)}:</p>
${groups
  .map(
    ([kind, of]) =>
      `<h2 style="font-size:19px">${escapeHtml(ITEM_WORDS[kind].heading(of.length))}</h2><ul>${of
        .map(
          (item) =>
            `<li>${escapeHtml(wordsOf(item).line(item))}: <a href="${escapeHtml(item.pageUrl)}">${escapeHtml(wordsOf(item).link(item))}</a></li>`,
        )
        .join('')}</ul>`,
  )
  .join('\n')}
<p><a href="${escapeHtml(m.queueUrl)}">Everything waiting for review</a></p>
${whySentHtml(m.why)}
<p>${escapeHtml(m.partnershipName)}</p>`);
  return { to: m.to, subject, text, html };
}
