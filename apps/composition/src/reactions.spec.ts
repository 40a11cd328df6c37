import { StoredEvent } from '../../../libs/event-store/src/index.js';
import { jobsFor, mailOwedBy as owedUnder } from '../../../libs/queues/src/index.js';
import { REACTIONS } from './reactions.js';

const mailOwedBy = (event: StoredEvent) => owedUnder(REACTIONS, event);

let position = 0;
const event = (streamId: string, type: string, data: object, version = 1): StoredEvent => ({
  globalPosition: ++position,
  streamId,
  version,
  type,
  schemaVersion: 1,
  data,
  metadata: { actorId: 'cora', actorRole: 'coordinator', correlationId: 'c' },
  recordedAt: new Date('2020-04-01T09:00:00Z'),
  transactionId: '1',
});

describe('the jobs an event causes, composed from every lib that reacts', () => {
  it('gives each event the jobs of the lib that reacts to it: auth (links), chasing; none for the report', () => {
    const jobs = (e: StoredEvent) => jobsFor(REACTIONS, e).map((j) => [j.queue, j.name]);
    // The report's tables are kept by their own processor from the log (ReportingProjection), not by jobs.
    expect(jobs(event('return:y1.S1', 'ReturnApproved', {}, 3))).toEqual([]);
    expect(jobs(event('cycle:y1', 'CycleDrafted', {}))).toEqual([]);
    expect(jobs(event('cycle:y1', 'SubmissionLinkIssued', { linkId: 'l1' }, 2))).toEqual([
      ['mail', 'submission-link-mail'],
    ]);
    expect(jobs(event('return:y1.S1', 'ReturnSubmitted', {}, 2))).toEqual([['mail', 'submitted-mail']]);
    const asked = event('chase:y1:kcc', 'ChaseRequested', {}, 4);
    expect(jobsFor(REACTIONS, asked)).toEqual([
      {
        queue: 'chasing',
        name: 'chase-agency',
        data: { cycleId: 'y1', agencyId: 'kcc', step: 'now-4', kind: 'now' },
        jobId: 'chase.y1.kcc.now-4',
      },
    ]);
    expect(jobs(event('return:y1.S1', 'ReturnDraftSaved', {}, 2))).toEqual([]);
  });
});

describe('mail owed by an event', () => {
  it('is owed where an event says so: a link issued, a chase with its recipients, a return submitted or sent back, a set-password link issued', () => {
    const issued = event('cycle:y1', 'SubmissionLinkIssued', { linkId: 'l1', agencyId: 'kcc' }, 3);
    expect(mailOwedBy(issued)).toEqual([
      {
        jobId: `link-mail-${issued.globalPosition}`,
        name: 'submission-link-mail',
        data: { cycleId: 'y1', linkId: 'l1', eventPosition: issued.globalPosition },
        eventPosition: issued.globalPosition,
      },
    ]);
    const chased = event('chase:y1:kcc', 'AgencyChased', {
      step: '2020-04-16',
      recipients: [{ email: 'a@kcc.example.org' }, { email: 'b@kcc.example.org' }],
    });
    expect(mailOwedBy(chased).map((j) => j.data)).toEqual([
      { cycleId: 'y1', agencyId: 'kcc', step: '2020-04-16', recipient: 'a@kcc.example.org' },
      { cycleId: 'y1', agencyId: 'kcc', step: '2020-04-16', recipient: 'b@kcc.example.org' },
    ]);
    // A coordinator's escalation mail is owed once per step, however many agencies are escalated at it.
    const escalated = ['kcc', 'police'].flatMap((agency) =>
      mailOwedBy(
        event(`chase:y1:${agency}`, 'AgencyChased', {
          step: '2020-05-13',
          kind: 'escalation',
          recipients: [
            { email: `lead@${agency}.example.org`, role: 'lead' },
            { email: 'cora@lsp.example.org', role: 'coordinator' },
          ],
        }),
      ),
    );
    expect(escalated.map((j) => `${j.name} ${j.jobId.replace(/\.[0-9a-f]{16}$/, '')}`)).toEqual([
      'chase-mail chase-mail.y1.kcc.2020-05-13',
      'escalation-mail escalation-mail.y1.2020-05-13',
      'chase-mail chase-mail.y1.police.2020-05-13',
      'escalation-mail escalation-mail.y1.2020-05-13',
    ]);
    expect(new Set(escalated.map((j) => j.jobId)).size).toBe(3);
    expect(mailOwedBy(event('return:y1.S1', 'ReturnSubmitted', {}, 2))).toHaveLength(1);
    expect(mailOwedBy(event('return:y1.S1', 'ReturnSentBack', {}, 3))).toHaveLength(1);
    const posted = event('conversation:y1.S1', 'ReturnMessagePosted', { messageId: 'm2' }, 2);
    expect(mailOwedBy(posted)).toEqual([
      {
        jobId: `message-${posted.globalPosition}`,
        name: 'message-mail',
        data: { returnId: 'y1.S1', version: 2, eventPosition: posted.globalPosition },
        eventPosition: posted.globalPosition,
      },
    ]);
    expect(mailOwedBy(event('conversation:y1.S1', 'ChangeRequestResolved', {}, 3))).toEqual([]);
    // A set-password link (an invitation, a reset) owes its mail by the token's id only, never the token.
    const invited = event('password-link:t1', 'PasswordLinkIssued', {
      tokenId: 't1',
      staffId: 's1',
      purpose: 'invite',
    });
    expect(mailOwedBy(invited)).toEqual([
      {
        jobId: `password-mail-${invited.globalPosition}`,
        name: 'password-mail',
        data: { tokenId: 't1', eventPosition: invited.globalPosition },
        eventPosition: invited.globalPosition,
      },
    ]);
    expect(
      mailOwedBy(event('password-mail:t1', 'PasswordMailSent', { key: 't1', recipient: 'a@x' })),
    ).toEqual([]);
  });

  it('is not owed by a cycle whose events say none, such as a past year recorded later', () => {
    const past = [
      event('cycle:y0', 'CycleDrafted', { cycleId: 'y0', partnershipId: 'p' }),
      event('cycle:y0', 'CycleOpened', { returns: [] }, 2),
      event('return:y0.S1', 'ReturnRequested', { returnId: 'y0.S1' }),
      event('return:y0.S1', 'ReturnApproved', {}, 2),
      event('cycle:y0', 'CycleClosed', { forced: false }, 3),
      event('cycle:y0', 'ReportPublished', { contentHash: 'x' }, 4),
      event('chase:y0:kcc', 'ChaseRequested', {}),
      event('link-mail:y0:l1', 'LinkMailSent', { key: 'l1', recipient: 'a@x' }),
    ];
    expect(past.flatMap(mailOwedBy)).toEqual([]);
  });
});
