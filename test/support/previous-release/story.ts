import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { PlanFile } from '../../../libs/plan/src/index.js';
import { C3, S1, S2, S3, S4, S5 } from '../../fixtures/sevenoaks-2019-20-returns.js';
import { RecordedAnswer } from './fixture-files.js';
import { bearer, Caller, cookie, ReleaseClient } from './release-client.js';

export const PASSWORD = 'previous release password';
export const DEMO_PASSWORD = 'demo password only';
export const SEVENOAKS = 'sevenoaks-lsp';
export const OTHER = 'other-lsp';
const PLAN = 'community-plan-2019-22';

/** What the story leaves behind for the manifest. */
export interface StoryResult {
  tokens: Record<string, string>;
  sessions: Record<string, string>;
  passwords: Record<string, string>;
  cycles: { demo: string; closed: string; open: string; drafted: string; other: string };
  returns: Record<string, string[]>;
  beforeClose: string;
}

const RAGS = ['green', 'amber', 'red'] as const;
const generic = (ref: string, i: number, note = '') => ({
  rag: RAGS[i % 3],
  narrative: `${ref}: what was done in the year${note}.\n\n- the work\n  - and who did it\n\nMore to follow.`,
  dot: (['improving', 'no-change', 'declining'] as const)[i % 3],
  comments: `${ref} comments${note}`,
});

/**
 * What the previous release is asked to do, through its HTTP API only (the contract between releases), so the
 * same story can be told to any later release: the demo's Sevenoaks partnership gets more staff, a year taken
 * through every state of a return and of a cycle (closed and published), a year left open with returns in each
 * state, a cycle only drafted; a second partnership has its own plan and open cycle.
 */
export class PreviousReleaseStory {
  private readonly tokens: Record<string, string> = {};
  private readonly sessions: Record<string, string> = {};
  private readonly leadSessions = new Map<string, string>();
  readonly answers: RecordedAnswer[] = [];

  constructor(
    private readonly client: ReleaseClient,
    private readonly db: Client,
    private readonly plan: PlanFile,
    private readonly otherPlanYaml: string,
    /** Makes the first coordinator of a partnership, as an operator does (the release's staff:create). */
    private readonly createFirstCoordinator: (
      partnershipId: string,
      email: string,
      password: string,
    ) => Promise<void>,
    private readonly log: (line: string) => void,
  ) {}

  private as(who: string): Caller {
    if (this.tokens[who]) return bearer(this.tokens[who]);
    if (this.sessions[who]) return cookie(this.sessions[who]);
    throw new Error(`nobody called ${who}`);
  }

  private ownerOf(ref: string): string {
    const measure = this.plan.themes.flatMap((t) => t.measures).find((m) => m.ref === ref);
    if (!measure) throw new Error(`no measure ${ref}`);
    return measure.leadAgency;
  }

  private leadEmailOf(agencyId: string, plan = this.plan): string {
    const agency = plan.agencies.find((a) => a.id === agencyId)!;
    return agency.contacts.find((c) => c.role === 'lead')!.email;
  }

  async run(): Promise<StoryResult> {
    const c = this.client;
    this.log('staff sign in and make tokens');
    for (const [who, email, password] of [
      ['coordinator', 'coordinator@sevenoaks.example.org', DEMO_PASSWORD],
      ['reviewer', 'reviewer@sevenoaks.example.org', DEMO_PASSWORD],
    ]) {
      this.sessions[`${who} (signed in)`] = await c.signIn(email, password);
      const minted = await c.ok('POST', '/auth/tokens', cookie(this.sessions[`${who} (signed in)`]), {
        name: `${who} token`,
      });
      this.tokens[who] = minted.body.token;
    }
    await c.ok('POST', '/staff', this.as('coordinator'), {
      email: 'viewer@sevenoaks.example.org',
      name: 'Vera Viewer',
      role: 'viewer',
      password: PASSWORD,
    });
    await c.ok('POST', '/staff', this.as('coordinator'), {
      email: 'health.reviewer@sevenoaks.example.org',
      name: 'Hal Reviewer',
      role: 'reviewer',
      password: PASSWORD,
      themeIds: ['healthy-environment'],
    });
    await c.ok('PUT', '/staff/reviewer@sevenoaks.example.org/themes', this.as('coordinator'), {
      themeIds: [],
    });
    for (const [who, email] of [
      ['viewer', 'viewer@sevenoaks.example.org'],
      ['health reviewer', 'health.reviewer@sevenoaks.example.org'],
    ]) {
      const session = await c.signIn(email, PASSWORD);
      this.tokens[who] = (await c.ok('POST', '/auth/tokens', cookie(session), { name: who })).body.token;
    }
    // A token made and revoked: its row stays, refused.
    const revoked = await c.ok('POST', '/auth/tokens', this.as('coordinator'), { name: 'revoked' });
    await c.ok('DELETE', `/auth/tokens/${revoked.body.tokenId}`, this.as('coordinator'));

    const demo = await this.demoCycle();
    const closed = await this.closedYear();
    const open = await this.openYear();
    this.log('a cycle only drafted, its id made by the release');
    const drafted = (
      await c.ok('POST', '/cycles', this.as('coordinator'), {
        partnershipId: SEVENOAKS,
        planId: PLAN,
        label: 'Year 3 2021/22 (April 2021 - March 2022)',
        periodStart: '2021-04-01',
        periodEnd: '2022-03-31',
        dueDate: '2040-04-30',
      })
    ).body.id as string;
    const other = await this.otherPartnership();

    const returns: Record<string, string[]> = {};
    for (const [cycleId, who] of [
      [demo.cycleId, 'coordinator'],
      [closed.cycleId, 'coordinator'],
      [open, 'coordinator'],
      [drafted, 'coordinator'],
      [other, 'other coordinator'],
    ]) {
      const cycle = await c.ok('GET', `/cycles/${cycleId}`, this.as(who));
      returns[cycleId] = (cycle.body.returns ?? []).map((r: { returnId: string }) => r.returnId);
    }
    return {
      tokens: this.tokens,
      sessions: this.sessions,
      passwords: {
        'coordinator@sevenoaks.example.org': DEMO_PASSWORD,
        'reviewer@sevenoaks.example.org': DEMO_PASSWORD,
        'viewer@sevenoaks.example.org': PASSWORD,
        'health.reviewer@sevenoaks.example.org': PASSWORD,
        'coordinator@other-lsp.example.org': PASSWORD,
      },
      cycles: { demo: demo.cycleId, closed: closed.cycleId, open, drafted, other },
      returns,
      beforeClose: closed.beforeClose,
    };
  }

  /** The cycle `npm start` opened: one lead follows the link and starts a draft; the rest is untouched. */
  private async demoCycle(): Promise<{ cycleId: string }> {
    const cycles = (await this.client.ok('GET', '/cycles', this.as('coordinator'))).body.cycles as {
      cycleId: string;
      status: string;
    }[];
    const demo = cycles.find((x) => x.status === 'open');
    if (!demo) throw new Error(`the demo opened no cycle: ${JSON.stringify(cycles)}`);
    this.log(`demo cycle ${demo.cycleId}: a lead starts a draft`);
    const lead = await this.lead(demo.cycleId, 'sevenoaks-csp');
    await this.client.ok('PUT', `/returns/${demo.cycleId}.S1/draft`, cookie(lead), {
      rag: 'amber',
      narrative: 'Started on the day the link came.',
    });
    return { cycleId: demo.cycleId };
  }

  /** Year 1 2019/20 with the real Sevenoaks returns, through every state, chased, closed and published. */
  private async closedYear(): Promise<{ cycleId: string; beforeClose: string }> {
    const c = this.client;
    const coordinator = this.as('coordinator');
    const reviewer = this.as('reviewer');
    this.log('Year 1 2019/20: drafted with a chosen id and a chase policy, opened for every measure');
    const drafted = await c.ok('POST', '/cycles', coordinator, {
      partnershipId: SEVENOAKS,
      planId: PLAN,
      cycleId: 'y1-2019-20',
      label: 'Year 1 2019/20 (April 2019 - March 2020)',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2040-04-30',
      chasePolicy: { remindWorkingDaysBefore: [10, 3], overdueEveryWorkingDays: 10 },
    });
    const y1 = drafted.body.id as string;
    await c.ok(
      'POST',
      `/cycles/${y1}/open`,
      { ...coordinator, 'if-match': drafted.headers.get('etag')! },
      {},
    );
    const rid = (ref: string) => `${y1}.${ref}`;
    const refs = this.plan.themes.flatMap((t) => t.measures.map((m) => m.ref));
    const lead = async (ref: string) => cookie(await this.lead(y1, this.ownerOf(ref)));

    this.log('Year 1: withdrawn, reassigned, extended (one return and a whole agency) before anyone writes');
    await c.ok('POST', `/returns/${rid('D4')}/withdraw`, coordinator, {
      reason: 'The measure was dropped from the plan at the LSP board meeting',
    });
    await c.ok('POST', `/returns/${rid('H1')}/reassign`, coordinator, {
      toAgencyId: 'kent-cc',
      reason: 'Kent County Council public health leads on this measure this year',
    });
    await c.ok('POST', `/returns/${rid('S5')}/extend`, coordinator, {
      dueDate: '2040-05-31',
      reason: 'The parking enforcement figures arrive in May',
    });
    await c.ok('POST', `/cycles/${y1}/agencies/sevenoaks-lcpg/extend`, coordinator, {
      dueDate: '2040-06-30',
      reason: 'NEET figures for March arrive from KCC in late May',
    });

    this.log('Year 1: the Sevenoaks returns written by their agencies');
    const seed: Record<string, object> = { S1, S2, S3, S4, S5, C3 };
    await c.ok('PUT', `/returns/${rid('S1')}/draft`, await lead('S1'), {
      rag: 'green',
      narrative: 'First go',
    });
    const leftAlone = new Set(['D4', 'G2', 'Sus4', 'C2']);
    for (const [i, ref] of refs.entries()) {
      if (leftAlone.has(ref)) continue;
      const by = ref === 'H1' ? cookie(await this.lead(y1, 'kent-cc')) : await lead(ref);
      await c.ok('POST', `/returns/${rid(ref)}/submit`, by, seed[ref] ?? generic(ref, i));
    }
    await c.ok('POST', `/returns/${rid('C2')}/submit`, await lead('C2'), generic('C2', 1));
    await c.ok('PUT', `/returns/${rid('G2')}/draft`, await lead('G2'), {
      rag: 'amber',
      narrative: 'Half written',
    });

    this.log('Year 1: reviewed; S2 sent back and resubmitted; S3 approved, reopened and approved again');
    await c.ok('POST', `/returns/${rid('S2')}/send-back`, reviewer, {
      reason: 'Please add the ASB warning letters issued this year',
    });
    await c.ok('POST', `/returns/${rid('S2')}/submit`, await lead('S2'), {
      ...S2,
      comments: `${S2.comments} Warning letters added.`,
    });
    for (const ref of refs) {
      if (leftAlone.has(ref)) continue;
      const who = this.plan.themes.find((t) => t.measures.some((m) => m.ref === ref))!.id;
      await c.ok(
        'POST',
        `/returns/${rid(ref)}/approve`,
        who === 'healthy-environment' ? this.as('health reviewer') : reviewer,
      );
    }
    await c.ok('POST', `/returns/${rid('S3')}/reopen`, coordinator, {
      reason: 'Kent Police revised the ASB figures after approval',
    });
    await c.ok('POST', `/returns/${rid('S3')}/submit`, await lead('S3'), {
      ...S3,
      narrative: S3.narrative.replace('1602 reports', '1598 reports'),
    });
    await c.ok('POST', `/returns/${rid('S3')}/approve`, reviewer);

    this.log('Year 1: links revoked and reissued; agencies chased now');
    const links = (await c.ok('GET', `/cycles/${y1}/links`, coordinator)).body.links as {
      linkId: string;
      agencyId: string;
    }[];
    const hatLink = links.find((l) => l.agencyId === 'sevenoaks-hat')!;
    await c.ok('POST', `/cycles/${y1}/links/${hatLink.linkId}/revoke`, coordinator, {
      reason: 'The contact left the Health Action Team',
    });
    await c.ok('POST', `/cycles/${y1}/agencies/sevenoaks-lsp/links/reissue`, coordinator, {
      reason: 'The first mail went to spam',
    });
    await c.ok('POST', `/cycles/${y1}/chase`, coordinator);
    await c.ok('POST', `/cycles/${y1}/agencies/sevenoaks-lsp/chase`, coordinator);
    await this.untilChasesSent(y1);

    await new Promise((r) => setTimeout(r, 1100));
    const beforeClose = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 1100));
    this.log('Year 1: closed with returns unresolved, and published');
    await c.ok('POST', `/cycles/${y1}/close`, coordinator, {
      force: true,
      reason: 'G2 and Sus4 will be reported in Year 2; the report cannot wait',
    });
    await c.ok('POST', `/cycles/${y1}/publish`, coordinator);
    return { cycleId: y1, beforeClose };
  }

  /** Year 2 2020/21, left open: a return in each state, one extended, one reassigned, one withdrawn. */
  private async openYear(): Promise<string> {
    const c = this.client;
    const coordinator = this.as('coordinator');
    this.log('Year 2 2020/21: opened for seven measures and left open');
    const drafted = await c.ok('POST', '/cycles', coordinator, {
      partnershipId: SEVENOAKS,
      planId: PLAN,
      cycleId: 'y2-2020-21',
      label: 'Year 2 2020/21 (April 2020 - March 2021)',
      periodStart: '2020-04-01',
      periodEnd: '2021-03-31',
      dueDate: '2041-04-30',
    });
    const y2 = drafted.body.id as string;
    await c.ok('POST', `/cycles/${y2}/open`, coordinator, {
      measureRefs: ['S1', 'S2', 'S3', 'S4', 'S5', 'C1', 'H2'],
    });
    const csp = cookie(await this.lead(y2, 'sevenoaks-csp'));
    this.sessions['sevenoaks-csp lead (open year)'] = this.leadSessions.get(`${y2}|sevenoaks-csp`)!;
    await c.ok('PUT', `/returns/${y2}.S1/draft`, csp, generic('S1', 0, ' (draft)'));
    await c.ok('POST', `/returns/${y2}.S2/submit`, csp, generic('S2', 1));
    await c.ok('POST', `/returns/${y2}.S3/submit`, csp, generic('S3', 2));
    await c.ok('POST', `/returns/${y2}.S3/send-back`, this.as('reviewer'), {
      reason: 'The narrative repeats last year',
    });
    await c.ok('POST', `/returns/${y2}.S4/submit`, csp, generic('S4', 0));
    await c.ok('POST', `/returns/${y2}.S4/approve`, this.as('reviewer'));
    await c.ok('POST', `/returns/${y2}.S5/extend`, coordinator, {
      dueDate: '2041-05-31',
      reason: 'Waiting for the enforcement figures',
    });
    await c.ok('POST', `/returns/${y2}.C1/reassign`, coordinator, {
      toAgencyId: 'west-kent-housing',
      reason: 'Housing leads on homelessness this year',
    });
    await c.ok('POST', `/returns/${y2}.H2/withdraw`, coordinator, { reason: 'Not measured this year' });
    return y2;
  }

  /** Another partnership on the same deployment: its first coordinator, its plan, an open cycle. */
  private async otherPartnership(): Promise<string> {
    const c = this.client;
    this.log('other-lsp: first coordinator, plan imported, a cycle opened');
    await this.createFirstCoordinator(OTHER, 'coordinator@other-lsp.example.org', PASSWORD);
    const session = await c.signIn('coordinator@other-lsp.example.org', PASSWORD);
    this.tokens['other coordinator'] = (
      await c.ok('POST', '/auth/tokens', cookie(session), { name: 'other' })
    ).body.token;
    const coordinator = this.as('other coordinator');
    await c.ok('POST', '/plan/import', coordinator, { yaml: this.otherPlanYaml });
    const drafted = await c.ok('POST', '/cycles', coordinator, {
      partnershipId: OTHER,
      planId: PLAN,
      label: 'Their Year 1',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2040-04-30',
    });
    const cycleId = drafted.body.id as string;
    await c.ok('POST', `/cycles/${cycleId}/open`, coordinator, { measureRefs: ['S1', 'S2'] });
    const email = this.leadEmailOf('sevenoaks-csp').replace('@', '.other@');
    const lead = await this.client.useLink(await this.linkToken(email, cycleId));
    await c.ok('PUT', `/returns/${cycleId}.S1/draft`, cookie(lead), {
      rag: 'green',
      narrative: 'Their draft',
    });
    return cycleId;
  }

  /** The agency lead's session for a cycle, from the link mailed to them (once per cycle and agency). */
  private async lead(cycleId: string, agencyId: string): Promise<string> {
    const key = `${cycleId}|${agencyId}`;
    const known = this.leadSessions.get(key);
    if (known) return known;
    const session = await this.client.useLink(await this.linkToken(this.leadEmailOf(agencyId), cycleId));
    this.leadSessions.set(key, session);
    return session;
  }

  /** The token of the newest live link mailed to `email` for the cycle (read from the release's mail catcher). */
  private async linkToken(email: string, cycleId: string): Promise<string> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { rows } = await this.db.query<{ text_body: string }>(
        `SELECT text_body FROM dev_mail WHERE $1 = ANY (rcpt_to) ORDER BY id DESC`,
        [email],
      );
      for (const row of rows) {
        const token = /\/l\/([A-Za-z0-9_-]{43})/.exec(row.text_body)?.[1];
        if (!token) continue;
        const hash = createHash('sha256').update(token).digest('hex');
        const found = await this.db.query(
          `SELECT 1 FROM events WHERE type = 'SubmissionLinkIssued' AND data->>'tokenHash' = $1 AND stream_id = $2`,
          [hash, `cycle:${cycleId}`],
        );
        if (found.rows.length > 0) return token;
      }
      if (Date.now() > deadline) throw new Error(`no link mailed to ${email} for ${cycleId}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Waits until every mail the chases asked for has been recorded as sent. */
  private async untilChasesSent(cycleId: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { rows } = await this.db.query<{ owed: number; sent: number }>(
        `SELECT
           (SELECT coalesce(sum(jsonb_array_length(data->'recipients')), 0)::int FROM events
             WHERE type = 'AgencyChased' AND stream_id LIKE 'chase:' || $1 || ':%') AS owed,
           (SELECT count(*)::int FROM events
             WHERE type = 'ReminderSent' AND stream_id LIKE 'chase:' || $1 || ':%') AS sent`,
        [cycleId],
      );
      if (rows[0].owed > 0 && rows[0].sent >= rows[0].owed) return;
      if (Date.now() > deadline) throw new Error(`chase mails not sent: ${JSON.stringify(rows[0])}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Asks the release what the upgraded product will be asked, and keeps the answers. */
  async record(result: StoryResult): Promise<void> {
    this.log('recording what the release answers');
    const { cycles } = result;
    const own = [cycles.demo, cycles.closed, cycles.open, cycles.drafted];
    const paths: [string, string][] = [
      ['coordinator', '/cycles'],
      ['coordinator', `/partnerships/${SEVENOAKS}/plan`],
      ['coordinator', `/partnerships/${SEVENOAKS}/agencies`],
      ['other coordinator', '/cycles'],
      ['other coordinator', `/cycles/${cycles.other}`],
      ['other coordinator', `/cycles/${cycles.other}/report`],
      ['sevenoaks-csp lead (open year)', `/cycles/${cycles.open}`],
      ['sevenoaks-csp lead (open year)', `/returns/${cycles.open}.S3`],
      ['reviewer', `/returns?cycleId=${cycles.open}&status=submitted`],
      ['viewer', `/cycles/${cycles.closed}/report`],
      ['coordinator', `/cycles/${cycles.closed}/report?asAt=${encodeURIComponent(result.beforeClose)}`],
      ['coordinator', `/cycles/${cycles.closed}/report?published=latest`],
      ['coordinator', `/cycles/${cycles.closed}/publications`],
      ['coordinator', `/returns/${cycles.closed}.S3/diff?from=3&to=6`],
    ];
    for (const cycleId of own) {
      for (const tail of ['', '/report', '/status', '/chases', '/chase-schedule', '/links']) {
        paths.push(['coordinator', `/cycles/${cycleId}${tail}`]);
      }
      paths.push(['coordinator', `/returns?cycleId=${cycleId}`]);
      for (const returnId of result.returns[cycleId]) paths.push(['coordinator', `/returns/${returnId}`]);
    }
    for (const [as, path] of paths) {
      const answer = await this.client.call('GET', path, this.as(as));
      this.answers.push({
        as,
        path,
        status: answer.status,
        contentType: answer.headers.get('content-type'),
        body: answer.body,
        etag: answer.headers.get('etag'),
      });
    }
    const failed = this.answers.filter((a) => a.status !== 200);
    if (failed.length > 0) {
      throw new Error(`the release refused: ${failed.map((a) => `${a.path} ${a.status}`).join(', ')}`);
    }
  }
}
