import { scopedCycleId } from '../libs/kernel/src/index.js';
import { importPlan } from '../libs/plan/src/index.js';
import {
  as,
  http,
  importSevenoaks,
  PASSWORD,
  Product,
  sevenoaksPlan,
  STAFF,
  startProduct,
} from './support/product.js';
import { postPageForm } from './support/page-form.js';

type Headers = Record<string, string>;

/**
 * Issue 10 point 11: ids and emails are scoped per partnership, so that nothing one partnership holds changes
 * what another is answered. Cycle ids are `<partnership>~<name>` (the name chosen, or one made from the label), and a
 * partnership's own people may use the name alone in URLs; staff emails are unique per partnership, and signing in
 * with an email that has accounts in two partnerships still works.
 */
describe('ids and emails scoped per partnership (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  const draft = (who: Headers, partnershipId: string, body: Record<string, unknown> = {}) =>
    call('POST', '/cycles', who, {
      partnershipId,
      planId: 'community-plan-2019-22',
      label: `A year of ${partnershipId}`,
      periodStart: '2020-04-01',
      periodEnd: '2021-03-31',
      dueDate: '2031-04-30',
      ...body,
    });
  /** An answer as it would be for any id: the given ids and the random parts of what was made taken out. */
  const shape = (
    answer: { status: number; body: unknown; headers: globalThis.Headers },
    ...ids: string[]
  ) => {
    let text = JSON.stringify(answer.body);
    for (const id of ids) text = text.split(id).join('{id}');
    text = text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '{uuid}');
    let location = answer.headers.get('location');
    for (const id of ids) location = location?.split(encodeURIComponent(id)).join('{id}') ?? null;
    // A version ETag is part of the answer; Express's weak ETag is a hash of the body, ids and all.
    const etag = answer.headers.get('etag');
    return {
      status: answer.status,
      body: JSON.parse(text),
      location,
      etag: etag?.startsWith('W/') ? null : etag,
    };
  };

  beforeAll(async () => {
    product = await startProduct('scoped_ids');
    call = http(product.baseUrl);
    await importSevenoaks(product.store);
    const theirs = sevenoaksPlan();
    theirs.partnership.id = 'other-lsp';
    await importPlan(product.store, theirs, {
      actorId: 'test',
      actorRole: 'coordinator',
      correlationId: 'other',
    });
  });
  afterAll(() => product.stop());

  describe('cycles', () => {
    it("drafting under another partnership's cycle name answers as a name never used does", async () => {
      const sevenoaks = await draft(as.coordinator, 'sevenoaks-lsp', { cycleId: 'y1-2019-20' });
      expect(sevenoaks.status).toBe(201);
      expect(sevenoaks.body).toEqual({ id: 'sevenoaks-lsp~y1-2019-20', version: 1, status: 'drafted' });

      const taken = await draft(as.otherCoordinator, 'other-lsp', { cycleId: 'y1-2019-20' });
      const fresh = await draft(as.otherCoordinator, 'other-lsp', { cycleId: 'never-used-before' });
      expect(shape(taken, 'y1-2019-20')).toEqual(shape(fresh, 'never-used-before'));
      expect(taken.status).toBe(201);
      expect(taken.body.id).toBe('other-lsp~y1-2019-20');
      expect(taken.headers.get('location')).toBe('/cycles/other-lsp~y1-2019-20');
      // A whole id, of anyone's, is not a name: refused alike.
      const whole = await draft(as.otherCoordinator, 'other-lsp', { cycleId: 'sevenoaks-lsp~y1-2019-20' });
      const none = await draft(as.otherCoordinator, 'other-lsp', { cycleId: 'sevenoaks-lsp~never-used' });
      expect(whole.status).toBe(400);
      expect(shape(whole, 'sevenoaks-lsp~y1-2019-20')).toEqual(shape(none, 'sevenoaks-lsp~never-used'));
      // Made by the server from the label when no name is given, scoped all the same.
      const unnamed = await draft(as.coordinator, 'sevenoaks-lsp');
      expect(unnamed.body.id).toBe('sevenoaks-lsp~a-year-of-sevenoaks-lsp');
    });

    it('gives each partnership its own cycle under the same name: by name in URLs, or by the whole id', async () => {
      const ours = await call('GET', '/cycles/y1-2019-20', as.coordinator);
      const theirs = await call('GET', '/cycles/y1-2019-20', as.otherCoordinator);
      expect([ours.status, ours.body.cycleId, ours.body.label]).toEqual([
        200,
        'sevenoaks-lsp~y1-2019-20',
        'A year of sevenoaks-lsp',
      ]);
      expect([theirs.status, theirs.body.cycleId, theirs.body.label]).toEqual([
        200,
        'other-lsp~y1-2019-20',
        'A year of other-lsp',
      ]);
      expect((await call('GET', '/cycles/sevenoaks-lsp~y1-2019-20', as.coordinator)).body).toEqual(ours.body);
      // The whole id of another partnership's cycle is answered like an id that never existed.
      const other = await call('GET', '/cycles/sevenoaks-lsp~y1-2019-20', as.otherCoordinator);
      const never = await call('GET', '/cycles/sevenoaks-lsp~never-drafted', as.otherCoordinator);
      expect(other.status).toBe(404);
      expect({ ...other.body, instance: null }).toEqual({ ...never.body, instance: null });

      // Returns too: `<name>.<ref>` in URLs, the whole id in what is answered.
      expect(
        (await call('POST', '/cycles/y1-2019-20/open', as.coordinator, { measureRefs: ['S1'] })).status,
      ).toBe(200);
      const saved = await call('PUT', '/returns/y1-2019-20.S1/draft', as.lead('sevenoaks-csp'), {
        rag: 'amber',
      });
      expect([saved.status, saved.body.id]).toEqual([200, 'sevenoaks-lsp~y1-2019-20.S1']);
      const listed = await call('GET', '/returns?cycleId=y1-2019-20', as.coordinator);
      expect(listed.body.cycleId).toBe('sevenoaks-lsp~y1-2019-20');
      expect(listed.body.returns.map((r: { returnId: string }) => r.returnId)).toEqual([
        'sevenoaks-lsp~y1-2019-20.S1',
      ]);
      const page = await fetch(`${product.baseUrl}/coordinate/cycles/y1-2019-20`, {
        headers: { ...as.coordinator, accept: 'text/html' },
      });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(
        '/coordinate/cycles/sevenoaks-lsp~y1-2019-20/agencies/sevenoaks-csp',
      );
      // The return itself is one click further, on its agency's page.
      const agencyPage = await fetch(
        `${product.baseUrl}/coordinate/cycles/y1-2019-20/agencies/sevenoaks-csp`,
        {
          headers: { ...as.coordinator, accept: 'text/html' },
        },
      );
      expect(await agencyPage.text()).toContain('/coordinate/returns/sevenoaks-lsp~y1-2019-20.S1');
      // Their cycle of that name has no returns yet: nothing of sevenoaks' is reached through the name.
      expect((await call('GET', '/returns/y1-2019-20.S1', as.otherCoordinator)).status).toBe(404);
    });

    it('refuses a name the partnership has already given, to a cycle of now or of before scoping (409)', async () => {
      const again = await draft(as.coordinator, 'sevenoaks-lsp', { cycleId: 'y1-2019-20' });
      expect([again.status, again.body.code, again.body.errors?.[0]?.field]).toEqual([
        409,
        'cycle-exists',
        'cycleId',
      ]);
      // A cycle drafted before ids were scoped: its id is the bare name, and it keeps it.
      await product.store.append(
        'cycle:y0-2018-19',
        'no_stream',
        [
          {
            type: 'CycleDrafted',
            data: {
              cycleId: 'y0-2018-19',
              partnershipId: 'sevenoaks-lsp',
              planId: 'community-plan-2019-22',
              label: 'Year 0, drafted before scoping',
              periodStart: '2018-04-01',
              periodEnd: '2019-03-31',
              dueDate: '2030-04-30',
            },
          },
        ],
        { actorId: 'cora', actorRole: 'coordinator', correlationId: 'before-scoping' },
      );
      const legacy = await call('GET', '/cycles/y0-2018-19', as.coordinator);
      expect([legacy.status, legacy.body.cycleId]).toEqual([200, 'y0-2018-19']);
      const clash = await draft(as.coordinator, 'sevenoaks-lsp', { cycleId: 'y0-2018-19' });
      expect([clash.status, clash.body.code]).toEqual([409, 'cycle-exists']);
      // Another partnership may take the name: its cycle is its own, and the old one stays sevenoaks'.
      const theirs = await draft(as.otherCoordinator, 'other-lsp', { cycleId: 'y0-2018-19' });
      expect([theirs.status, theirs.body.id]).toEqual([201, 'other-lsp~y0-2018-19']);
      expect((await call('GET', '/cycles/y0-2018-19', as.otherCoordinator)).body.cycleId).toBe(
        'other-lsp~y0-2018-19',
      );
      expect((await call('GET', '/cycles/y0-2018-19', as.coordinator)).body.cycleId).toBe('y0-2018-19');
    });

    it('refuses a command that would draft a cycle under an id not scoped to its partnership', async () => {
      const { CommandBus } = await import('@nestjs/cqrs');
      const { DraftCycleCommand } = await import('../libs/returns/src/index.js');
      const coordinator = { id: 'cora', role: 'coordinator' as const, partnershipId: 'sevenoaks-lsp' };
      const facts = {
        partnershipId: 'sevenoaks-lsp',
        planId: 'community-plan-2019-22',
        label: 'Unscoped',
        periodStart: '2020-04-01',
        periodEnd: '2021-03-31',
        dueDate: '2031-04-30',
      };
      for (const cycleId of ['unscoped', scopedCycleId('other-lsp', 'x'), 'sevenoaks-lsp~Not A Name']) {
        await expect(
          product.api
            .get(CommandBus)
            .execute(
              new DraftCycleCommand({ actor: coordinator, correlationId: 't' }, { ...facts, cycleId }),
            ),
        ).rejects.toMatchObject({ code: 'cycle-id-not-scoped', kind: 'unprocessable', field: 'cycleId' });
      }
    });
  });

  describe('staff emails', () => {
    const shared = STAFF.reviewer;

    it("adding staff with another partnership's staff email answers as a new email does", async () => {
      const body = (email: string) => ({
        email,
        name: 'Rita elsewhere',
        role: 'reviewer',
        password: PASSWORD,
      });
      const taken = await call('POST', '/staff', as.otherCoordinator, body(shared));
      const fresh = await call('POST', '/staff', as.otherCoordinator, body('nobody-yet@other.example.org'));
      expect(taken.status).toBe(201);
      expect(shape(taken, shared)).toEqual(shape(fresh, 'nobody-yet@other.example.org'));
      expect(taken.body).toMatchObject({ email: shared, partnershipId: 'other-lsp' });
      // Within one partnership an email is still one account.
      const again = await call('POST', '/staff', as.otherCoordinator, body(shared));
      expect([again.status, again.body.code]).toEqual([409, 'email-taken']);
    });

    it('signs in to the one account a password opens, and asks which partnership when it opens two', async () => {
      // The same person, the same password in both (PASSWORD): they choose; the answer names only those two.
      const ambiguous = await call('POST', '/auth/sign-in', {}, { email: shared, password: PASSWORD });
      expect(ambiguous.status).toBe(409);
      expect(ambiguous.body).toMatchObject({
        code: 'partnership-required',
        partnerships: ['other-lsp', 'sevenoaks-lsp'],
      });
      expect(ambiguous.headers.get('set-cookie')).toBeNull();
      for (const partnershipId of ['sevenoaks-lsp', 'other-lsp']) {
        const chosen = await call(
          'POST',
          '/auth/sign-in',
          {},
          { email: shared, password: PASSWORD, partnershipId },
        );
        expect([chosen.status, chosen.body.actor]).toEqual([
          200,
          { id: shared, role: 'reviewer', partnershipId },
        ]);
        // A token made while signed in belongs to that partnership's account.
        const cookie = chosen.headers.get('set-cookie')!.split(';')[0];
        const minted = await call(
          'POST',
          '/auth/tokens',
          { cookie, origin: product.baseUrl },
          { name: 'scoped' },
        );
        const me = await call('GET', '/auth/me', { authorization: `Bearer ${minted.body.token}` });
        expect(me.body.actor.partnershipId).toBe(partnershipId);
      }
      // A wrong password opens nothing, and says nothing of partnerships.
      const wrong = await call(
        'POST',
        '/auth/sign-in',
        {},
        { email: shared, password: 'not the password at all' },
      );
      expect([wrong.status, wrong.body.partnerships]).toEqual([401, undefined]);
      // A partnership the password does not open is refused like a wrong password.
      const elsewhere = await call(
        'POST',
        '/auth/sign-in',
        {},
        {
          email: shared,
          password: PASSWORD,
          partnershipId: 'never-lsp',
        },
      );
      expect(elsewhere.status).toBe(401);
    });

    it('signs in with the password of one account when the other has another password', async () => {
      const email = 'two.passwords@example.org';
      await call('POST', '/staff', as.coordinator, {
        email,
        name: 'Tess',
        role: 'viewer',
        password: PASSWORD,
      });
      const other = 'a different password entirely';
      await call('POST', '/staff', as.otherCoordinator, {
        email,
        name: 'Tess',
        role: 'viewer',
        password: other,
      });
      const here = await call('POST', '/auth/sign-in', {}, { email, password: PASSWORD });
      const there = await call('POST', '/auth/sign-in', {}, { email, password: other });
      expect([here.status, here.body.actor.partnershipId]).toEqual([200, 'sevenoaks-lsp']);
      expect([there.status, there.body.actor.partnershipId]).toEqual([200, 'other-lsp']);
    });

    it('the sign-in page offers the partnerships the password opens, then signs in to the one chosen', async () => {
      const form = (fields: Record<string, string>) =>
        postPageForm(product.baseUrl, { from: '/sign-in', headers: {}, fields });
      const asked = await form({ email: shared, password: PASSWORD });
      expect(asked.status).toBe(200);
      expect(asked.html).toContain('Which partnership are you signing in to?');
      expect(asked.html).toContain('value="sevenoaks-lsp"');
      expect(asked.html).toContain('value="other-lsp"');
      const chosen = await form({ email: shared, password: PASSWORD, partnershipId: 'other-lsp' });
      expect([chosen.status, chosen.location]).toEqual([303, '/review']);
      const session = chosen.headers
        .getSetCookie()
        .find((c) => c.startsWith('pr_session='))!
        .split(';')[0];
      expect((await call('GET', '/auth/me', { cookie: session })).body.actor.partnershipId).toBe('other-lsp');
    });
  });
});
