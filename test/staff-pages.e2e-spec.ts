import { request } from 'node:http';
import { Client } from 'pg';
import { Clock } from '../libs/kernel/src/index.js';
import {
  as,
  eventually,
  http,
  importSevenoaks,
  PASSWORD,
  Product,
  STAFF,
  startProduct,
} from './support/product.js';

/** The business clock, moved forward by tests that need a token to expire; otherwise it keeps real time. */
class ShiftedClock extends Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

/** A browser without JavaScript: a cookie jar, pages fetched as HTML, forms posted with their CSRF token. */
class Browser {
  private readonly cookies = new Map<string, string>();
  constructor(
    private readonly baseUrl: string,
    private readonly address = '127.0.0.1',
  ) {}

  async get(path: string) {
    const response = await fetch(`${this.baseUrl}${path}`, {
      headers: this.headers(),
      redirect: 'manual',
    });
    this.keep(response);
    return {
      status: response.status,
      location: response.headers.get('location'),
      html: await response.text(),
    };
  }

  /** Opens `page` for its form's token, then posts `fields` to `action` as that form would (with `headers`). */
  async submit(
    page: string,
    action: string,
    fields: Record<string, string | string[]>,
    headers: Record<string, string> = {},
  ) {
    return this.post(action, (await this.get(page)).html, fields, headers);
  }

  /**
   * A GET with the Sec-Fetch headers a browser would send, through node:http: fetch puts its own
   * Sec-Fetch-Mode (cors) in place of the one given.
   */
  async getAs(path: string, secFetch: { site: string; mode: string; dest: string }) {
    const url = new URL(path, this.baseUrl);
    const headers = {
      ...this.headers(),
      'sec-fetch-site': secFetch.site,
      'sec-fetch-mode': secFetch.mode,
      'sec-fetch-dest': secFetch.dest,
    };
    return new Promise<{ status: number; location: string | null }>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, headers }, (res) => {
        this.keepHeaders(res.headers['set-cookie'] ?? []);
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? null }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  /**
   * Posts `fields` to `action` with the hidden fields of its form in `html` (as a tab still showing it would),
   * or with the page's CSRF token alone when no form there posts to `action`.
   */
  async post(
    action: string,
    html: string,
    fields: Record<string, string | string[]>,
    headers: Record<string, string> = {},
  ) {
    const forms = [...html.matchAll(/<form [^>]*action="([^"]*)"[^>]*>(.*?)<\/form>/gs)];
    const own = forms.find(([, to]) => unescapeHtml(to) === action)?.[2];
    const hidden = [...(own ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)];
    const token = /name="_csrf" value="([^"]+)"/.exec(own ?? html)?.[1];
    if (!token) throw new Error(`no form for ${action}`);
    const body = new URLSearchParams({ _csrf: token });
    for (const [, name, value] of hidden)
      if (name !== '_csrf' && !(name in fields)) body.append(name, unescapeHtml(value));
    for (const [name, value] of Object.entries(fields))
      for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
    const response = await fetch(`${this.baseUrl}${action}`, {
      method: 'POST',
      headers: {
        ...this.headers(),
        ...headers,
        origin: this.baseUrl,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: body.toString(),
      redirect: 'manual',
    });
    this.keep(response);
    return {
      status: response.status,
      location: response.headers.get('location'),
      html: await response.text(),
    };
  }

  async signIn(email: string, password: string) {
    return this.submit('/sign-in', '/sign-in', { email, password });
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  private headers(): Record<string, string> {
    return {
      accept: 'text/html',
      'x-forwarded-for': this.address,
      cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    };
  }

  private keep(response: Response) {
    this.keepHeaders(response.headers.getSetCookie());
  }

  private keepHeaders(setCookies: string[]) {
    for (const header of setCookies) {
      const [pair, ...attributes] = header.split(';');
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      const expired = attributes.some((a) => /expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
  }
}

const unescapeHtml = (value: string) =>
  value.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!,
  );

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('staff pages: invite, roles, deactivate, passwords, tokens, links, viewer (e2e)', () => {
  let product: Product;
  const clock = new ShiftedClock();
  let coordinator: Browser;

  beforeAll(async () => {
    product = await startProduct('staff-pages', clock);
    await importSevenoaks(product.store);
    coordinator = new Browser(product.baseUrl);
    expect((await coordinator.signIn(STAFF.coordinator, PASSWORD)).status).toBe(303);
  });
  afterAll(() => product.stop());

  /** The set-password link in the latest mail to `email` (after `since` mails had arrived). */
  async function linkMailedTo(email: string, since: number): Promise<string> {
    const mail = await eventually(async () =>
      product.smtp.mails.slice(since).find((m) => m.to.includes(email)),
    );
    const match = /\/account\/set-password\/([A-Za-z0-9_-]{43})/.exec(mail.text);
    if (!match) throw new Error('no set-password link in the mail');
    return `/account/set-password/${match[1]}`;
  }

  /** A token made on the account page by this signed-in browser; the request it authorises, to send again. */
  async function tokenMadeBy(browser: Browser): Promise<() => Promise<Response>> {
    const made = await browser.submit('/account/tokens', '/account/tokens', { name: 'script' });
    const token = /id="new-token">([^<]+)</.exec(made.html)?.[1];
    expect(token).toMatch(/^pr_/);
    return () => fetch(`${product.baseUrl}/auth/me`, { headers: { authorization: `Bearer ${token}` } });
  }

  async function invite(name: string, email: string, role: string, themeIds: string[] = []) {
    const before = product.smtp.mails.length;
    const sent = await coordinator.submit('/coordinate/staff/invite', '/coordinate/staff/invite', {
      name,
      email,
      role,
      themeIds,
    });
    expect(sent.status).toBe(303);
    return linkMailedTo(email, before);
  }

  /** Follows a mailed link as a browser would: the token moves to a cookie and leaves the address. */
  async function setPassword(browser: Browser, link: string, password: string) {
    const opened = await browser.get(link);
    expect(opened).toMatchObject({ status: 303, location: '/account/set-password' });
    return browser.submit('/account/set-password', '/account/set-password', { password, confirm: password });
  }

  /**
   * An attacker's probe (2026-12-05) found no Cache-Control on any page or API answer: the staff list, the plan's
   * contacts, returns and the account page could be kept by a browser (the back button after signing out, on a
   * shared computer) or a proxy. Every answer but the static files is now no-store unless its route says more.
   */
  it('lets no browser or proxy keep a page or an answer (Cache-Control: no-store)', async () => {
    const call = http(product.baseUrl);
    const html = { ...as.coordinator, accept: 'text/html' };
    const seen: [string, number, string | null][] = [];
    for (const [path, headers] of [
      ['/coordinate', html],
      ['/coordinate/staff', html],
      ['/coordinate/plan', html],
      ['/coordinate/plan/download', html],
      ['/account', html],
      ['/account/tokens', html],
      ['/review', { ...as.reviewer, accept: 'text/html' }],
      ['/sign-in', { accept: 'text/html' }],
      ['/auth/me', as.coordinator],
      ['/partnerships/sevenoaks-lsp/plan', as.coordinator],
      ['/auth/me', as.lead('sevenoaks-csp')],
      ['/no-such-page', html],
    ] as const) {
      const answer = await call('GET', path, headers);
      seen.push([path, answer.status, answer.headers.get('cache-control')]);
    }
    expect(seen.filter(([, , cache]) => cache !== 'no-store')).toEqual([]);
    // Static files are the same for everyone, and keep their own lifetime.
    const style = await fetch(`${product.baseUrl}/static/init.mjs`);
    expect(style.headers.get('cache-control')).toMatch(/max-age=3600/);
  });

  it('invites someone, who sets their password from the mailed link (once) and signs in', async () => {
    const link = await invite('Sam Reviewer', 'sam@sevenoaks.example.org', 'reviewer', ['safe-communities']);
    const list = text((await coordinator.get('/coordinate/staff')).html);
    expect(list).toContain('Sam Reviewer');
    expect(list).toContain('Invited');

    // No password works before one is set.
    const sam = new Browser(product.baseUrl);
    expect((await sam.signIn('sam@sevenoaks.example.org', '')).status).toBe(401);

    // The rules are the page's, in words.
    await sam.get(link);
    const weak = await sam.submit('/account/set-password', '/account/set-password', {
      password: 'short',
      confirm: 'short',
    });
    expect(weak.status).toBe(422);
    expect(weak.html).toContain('<title>Error: Set your password');
    expect(text(weak.html)).toContain('Enter a password of at least 12 characters');
    const common = await sam.submit('/account/set-password', '/account/set-password', {
      password: 'Password1234',
      confirm: 'Password1234',
    });
    expect(text(common.html)).toContain('too common');

    const set = await sam.submit('/account/set-password', '/account/set-password', {
      password: 'plum kettle orbit',
      confirm: 'plum kettle orbit',
    });
    expect(set.status).toBe(200);
    expect(text(set.html)).toContain('Your account is ready');
    expect(sam.cookie('pr_set_password')).toBeUndefined();
    const signedIn = await sam.signIn('sam@sevenoaks.example.org', 'plum kettle orbit');
    expect(signedIn).toMatchObject({ status: 303, location: '/review' });

    // Single use: the same link again says so and offers a new one.
    const again = new Browser(product.baseUrl);
    await again.get(link);
    const reused = await again.get('/account/set-password');
    expect(reused.status).toBe(410);
    expect(text(reused.html)).toContain('This link has already been used');
    expect(reused.html).not.toContain('name="password"');

    // The token is stored hashed only.
    const token = link.split('/').pop()!;
    const rows: { token_hash: string }[] = await product.db.dataSource.query(
      'SELECT token_hash FROM password_tokens',
    );
    expect(rows.some((r) => r.token_hash === token)).toBe(false);
  });

  it('says what is wrong with an invitation, field by field, keeping what was typed', async () => {
    const page = await coordinator.submit('/coordinate/staff/invite', '/coordinate/staff/invite', {
      name: 'Nameless',
      email: 'not-an-email',
    });
    expect(page.status).toBe(422);
    expect(page.html).toContain('<title>Error: Invite someone');
    expect(page.html).toContain('href="#email"');
    expect(page.html).toContain('href="#role"');
    expect(page.html).toContain('value="Nameless"');
    const taken = await coordinator.submit('/coordinate/staff/invite', '/coordinate/staff/invite', {
      name: 'Rita again',
      email: STAFF.reviewer,
      role: 'viewer',
    });
    expect(text(taken.html)).toContain('Your partnership already has an account with that email');
  });

  it('changes a role and reviewer themes, and deactivating ends sessions and API tokens', async () => {
    const link = await invite('Val Viewer', 'val@sevenoaks.example.org', 'viewer');
    const val = new Browser(product.baseUrl);
    await setPassword(val, link, 'copper lantern wave');
    expect((await val.signIn('val@sevenoaks.example.org', 'copper lantern wave')).location).toBe('/view');

    const [{ staff_id: staffId }] = await product.db.dataSource.query(
      `SELECT staff_id FROM staff_accounts WHERE email = 'val@sevenoaks.example.org'`,
    );
    const changed = await coordinator.submit(`/coordinate/staff/${staffId}`, `/coordinate/staff/${staffId}`, {
      role: 'reviewer',
      themeIds: ['safe-communities', 'green-environment', 'not-a-theme'],
    });
    expect(changed.status).toBe(303);
    const [account] = await product.db.dataSource.query(
      `SELECT role, theme_ids FROM staff_accounts WHERE staff_id = $1`,
      [staffId],
    );
    expect(account.role).toBe('reviewer');
    // Only the plan's themes are kept.
    expect([...account.theme_ids].sort()).toEqual(['green-environment', 'safe-communities']);

    // A token made on the account page, shown once.
    const made = await val.submit('/account/tokens', '/account/tokens', { name: 'export' });
    const token = /id="new-token">([^<]+)</.exec(made.html)?.[1];
    expect(token).toMatch(/^pr_/);
    const withToken = () =>
      fetch(`${product.baseUrl}/cycles`, { headers: { authorization: `Bearer ${token}` } });
    expect((await withToken()).status).toBe(200);

    const off = await coordinator.submit(
      `/coordinate/staff/${staffId}`,
      `/coordinate/staff/${staffId}/deactivate`,
      {},
    );
    expect(off.status).toBe(303);
    expect((await val.get('/account')).status).toBe(303); // signed out: sent to sign in
    expect((await withToken()).status).toBe(401);
    expect(text((await coordinator.get('/coordinate/staff')).html)).toContain('Deactivated');
  });

  it('refuses to let a coordinator deactivate themselves or drop their own role', async () => {
    const [{ staff_id: self }] = await product.db.dataSource.query(
      `SELECT staff_id FROM staff_accounts WHERE email = $1`,
      [STAFF.coordinator],
    );
    const drop = await coordinator.submit(`/coordinate/staff/${self}`, `/coordinate/staff/${self}`, {
      role: 'viewer',
    });
    expect(drop.status).toBe(422);
    expect(text(drop.html)).toContain('You cannot take away your own coordinator role');
    const page = await coordinator.get(`/coordinate/staff/${self}`);
    expect(page.html).not.toContain('/deactivate');
  });

  // A review (2026-12-06): an account forgotten (its row deleted) between the page's read of it and its update was
  // answered "saved", the update having changed nothing. The account's row is held here so the update waits at
  // it; the row is deleted meanwhile, and the update then finds nothing.
  it('says an account forgotten as its role was changed no longer exists, and saved nothing', async () => {
    await invite('Gail Gone', 'gail@sevenoaks.example.org', 'viewer');
    const [{ staff_id: staffId }] = await product.db.dataSource.query(
      `SELECT staff_id FROM staff_accounts WHERE email = 'gail@sevenoaks.example.org'`,
    );
    const opened = await coordinator.get(`/coordinate/staff/${staffId}`);
    expect(opened.status).toBe(200);
    const holder = new Client({ connectionString: product.db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM staff_accounts WHERE staff_id = $1 FOR UPDATE', [staffId]);
      const posted = coordinator.post(`/coordinate/staff/${staffId}`, opened.html, { role: 'reviewer' });
      await eventually(async () => {
        const [{ count }] = await product.db.dataSource.query(
          `SELECT count(*)::int AS count FROM pg_locks l JOIN pg_stat_activity a USING (pid)
            WHERE NOT l.granted AND a.datname = current_database()`,
        );
        return count >= 1;
      });
      await holder.query('DELETE FROM staff_accounts WHERE staff_id = $1', [staffId]);
      await holder.query('COMMIT');
      const answer = await posted;
      expect(answer.status).toBe(303);
      const list = await coordinator.get(answer.location!);
      expect(list.status).toBe(200);
      expect(text(list.html)).toMatch(/Gail Gone(&#39;|')s account no longer exists: nothing was saved/);
      expect(text(list.html)).not.toContain('role and themes are saved');
      expect(list.html).toContain('govuk-error-summary');
    } finally {
      await holder.end();
    }
  });

  it('changing a password needs the current one and ends every other session, not this one', async () => {
    const link = await invite('Cal Changer', 'cal@sevenoaks.example.org', 'viewer');
    const here = new Browser(product.baseUrl);
    await setPassword(here, link, 'amber walrus lake');
    await here.signIn('cal@sevenoaks.example.org', 'amber walrus lake');
    const elsewhere = new Browser(product.baseUrl);
    await elsewhere.signIn('cal@sevenoaks.example.org', 'amber walrus lake');
    expect((await elsewhere.get('/account')).status).toBe(200);
    // Whoever knew the old password could have made a token with it.
    const withToken = await tokenMadeBy(elsewhere);
    expect((await withToken()).status).toBe(200);

    const wrong = await here.submit('/account/password', '/account/password', {
      current: 'not my password',
      password: 'violet harbour stone',
      confirm: 'violet harbour stone',
    });
    expect(wrong.status).toBe(422);
    expect(text(wrong.html)).toContain('Your current password is not right');

    const changed = await here.submit('/account/password', '/account/password', {
      current: 'amber walrus lake',
      password: 'violet harbour stone',
      confirm: 'violet harbour stone',
    });
    expect(changed.status).toBe(303);
    expect((await here.get('/account')).status).toBe(200);
    expect((await elsewhere.get('/account')).status).toBe(303);
    expect((await withToken()).status).toBe(401);
    expect(
      (await new Browser(product.baseUrl).signIn('cal@sevenoaks.example.org', 'violet harbour stone')).status,
    ).toBe(303);
  });

  it('forgotten password: the same answer for any email, a single-use link that expires, throttled, ends sessions', async () => {
    const link = await invite('Fay Forgetful', 'fay@sevenoaks.example.org', 'viewer');
    const fay = new Browser(product.baseUrl, '10.0.0.1');
    await setPassword(fay, link, 'granite owl meadow');
    await fay.signIn('fay@sevenoaks.example.org', 'granite owl meadow');
    const withToken = await tokenMadeBy(fay);

    const asker = new Browser(product.baseUrl, '10.0.0.2');
    const before = product.smtp.mails.length;
    // The answer does not wait for the mail (it took longer for an email with an account, which told staff
    // emails apart): with the mail server answering nothing, both answers still come.
    product.smtp.hold();
    const known = await asker.submit('/account/forgot-password', '/account/forgot-password', {
      email: 'fay@sevenoaks.example.org',
    });
    const unknown = await asker.submit('/account/forgot-password', '/account/forgot-password', {
      email: 'nobody@sevenoaks.example.org',
    });
    product.smtp.release();
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    const answer = (page: string, email: string) => text(page).replace(email, 'EMAIL');
    expect(answer(unknown.html, 'nobody@sevenoaks.example.org')).toBe(
      answer(known.html, 'fay@sevenoaks.example.org'),
    );
    const reset = await linkMailedTo('fay@sevenoaks.example.org', before);
    expect(product.smtp.mails.slice(before).some((m) => m.to.includes('nobody@sevenoaks.example.org'))).toBe(
      false,
    );

    // The mail went through the mail ledger.
    const ledger = await product.db.dataSource.query(
      `SELECT type FROM events WHERE stream_id LIKE 'password-mail:%'`,
    );
    expect(ledger.map((e: { type: string }) => e.type)).toContain('PasswordMailSent');

    // Using it ends every session of the account, and it works once.
    const set = await setPassword(new Browser(product.baseUrl, '10.0.0.3'), reset, 'silver fern comet');
    expect(text(set.html)).toContain('Your password has been reset');
    expect((await fay.get('/account')).status).toBe(303);
    // A reset takes a stolen password back: a token made with it goes too.
    expect((await withToken()).status).toBe(401);
    expect(
      (await new Browser(product.baseUrl).signIn('fay@sevenoaks.example.org', 'silver fern comet')).status,
    ).toBe(303);
    const twice = new Browser(product.baseUrl, '10.0.0.3');
    await twice.get(reset);
    expect((await twice.get('/account/set-password')).status).toBe(410);

    // A link an hour old no longer works.
    const later = product.smtp.mails.length;
    await new Browser(product.baseUrl, '10.0.0.4').submit(
      '/account/forgot-password',
      '/account/forgot-password',
      {
        email: 'fay@sevenoaks.example.org',
      },
    );
    const stale = await linkMailedTo('fay@sevenoaks.example.org', later);
    clock.offsetMs = 61 * 60_000;
    try {
      const late = new Browser(product.baseUrl, '10.0.0.4');
      await late.get(stale);
      const page = await late.get('/account/set-password');
      expect(page.status).toBe(410);
      expect(text(page.html)).toContain('This link has expired');
    } finally {
      clock.offsetMs = 0;
    }
  });

  /**
   * A form posted with an Idempotency-Key runs in one transaction with the key's record (a script, or a client
   * that adds the header to every write). The invitation's and the reset's mails were sent from inside it: the SMTP
   * conversation held the transaction open, and the mail was out before the account or token it offers was
   * committed (a rollback then left a mail for an account that never was). They now go once it has committed,
   * once each, and a retry with the same key (answered as the first was) sends nothing more.
   */
  it('mails an invitation or a reset asked for with an Idempotency-Key only once it is committed, and once', async () => {
    const committed = async (email: string) =>
      (
        await product.db.dataSource.query(
          `SELECT count(*)::int AS n FROM password_tokens t JOIN staff_accounts a USING (staff_id)
            WHERE lower(a.email) = $1 AND t.used_at IS NULL`,
          [email],
        )
      )[0].n as number;
    const mailsTo = (email: string) => product.smtp.offered.filter((m) => m.to.includes(email)).length;
    const email = 'kim@sevenoaks.example.org';
    /**
     * Posts while the SMTP server holds every mail unanswered, and says how many of the account's tokens were
     * committed when its mail reached the server: had it been sent in the transaction, none yet.
     */
    const committedWhenMailed = async (post: () => Promise<{ status: number }>, status: number) => {
      const mailed = mailsTo(email);
      product.smtp.hold();
      try {
        const answered = post();
        await eventually(async () => mailsTo(email) > mailed || undefined);
        const seen = await committed(email);
        product.smtp.release();
        expect((await answered).status).toBe(status);
        return seen;
      } finally {
        product.smtp.release();
      }
    };
    const noMoreMailThan = async (count: number) => {
      await new Promise((r) => setTimeout(r, 500));
      expect(mailsTo(email)).toBe(count);
    };

    const keyed = { 'idempotency-key': 'invite-kim-1' };
    const form = { name: 'Kim Keyed', email, role: 'viewer' };
    const page = (await coordinator.get('/coordinate/staff/invite')).html;
    const invite = () => coordinator.post('/coordinate/staff/invite', page, form, keyed);
    expect(await committedWhenMailed(invite, 303)).toBe(1);
    // The same key again: answered as before, and no second mail.
    expect((await invite()).status).toBe(303);
    const link = await linkMailedTo(email, 0);
    await noMoreMailThan(1);

    // A reset asked for by someone signed in (the form is open to anyone), with a key.
    const kim = new Browser(product.baseUrl, '10.0.0.9');
    await setPassword(kim, link, 'amber valley clock');
    await kim.signIn(email, 'amber valley clock');
    const reset = () =>
      kim.submit(
        '/account/forgot-password',
        '/account/forgot-password',
        { email },
        { 'idempotency-key': 'reset-kim-1' },
      );
    const before = product.smtp.mails.length;
    expect(await committedWhenMailed(reset, 200)).toBe(1);
    await linkMailedTo(email, before);
    expect((await reset()).status).toBe(200);
    await noMoreMailThan(2);
  });

  /**
   * An outside tester's probe (2026-12-05): another site could send anyone to /account/set-password/<its own
   * account's token>. The form then set the attacker's account's password with whatever the visitor typed, and
   * the browser's single cookie let a window opened by that site swap the token under a form the visitor had
   * opened from their own mail, which still named them: their new password went to the attacker's account.
   */
  it('a set-password form sets only the account it names, and another site can neither swap its link nor hand it to someone signed in', async () => {
    const ivoLink = await invite('Ivo Kerr', 'ivo@sevenoaks.example.org', 'viewer');
    const ozLink = await invite('Oz Mallory', 'ozzie@sevenoaks.example.org', 'viewer');
    const ivo = new Browser(product.baseUrl, '10.0.2.1');
    await ivo.get(ivoLink);
    const form = await ivo.get('/account/set-password');
    expect(text(/<p class="govuk-body" id="account">.*?<\/p>/s.exec(form.html)?.[0] ?? '')).toContain(
      'This sets the password of the account for ivo@sevenoaks.example.org (Ivo Kerr).',
    );
    expect(text(form.html)).toContain('If that is not your email address, do not choose a password here');
    const held = ivo.cookie('pr_set_password');

    // An image on another site sets nothing; a window it opens is a navigation like a webmail's, and is taken.
    const image = await ivo.getAs(ozLink, { site: 'cross-site', mode: 'no-cors', dest: 'image' });
    expect(image.status).toBe(403);
    expect(ivo.cookie('pr_set_password')).toBe(held);
    const opened = await ivo.getAs(ozLink, { site: 'cross-site', mode: 'navigate', dest: 'document' });
    expect(opened).toMatchObject({ status: 303, location: '/account/set-password' });

    // The form Ivo still has open named him: it sets no password for Oz.
    const swapped = await ivo.post('/account/set-password', form.html, {
      password: 'amber lantern quiet',
      confirm: 'amber lantern quiet',
    });
    expect(swapped.status).toBe(409);
    expect(text(swapped.html)).toContain('no password was set');
    expect(
      (await new Browser(product.baseUrl).signIn('ozzie@sevenoaks.example.org', 'amber lantern quiet'))
        .status,
    ).toBe(401);
    const again = await setPassword(ivo, ivoLink, 'amber lantern quiet');
    expect(text(again.html)).toContain('Your account is ready');

    // Someone signed in is shown whose link it is, and no form.
    await coordinator.get(ozLink);
    const signedIn = await coordinator.get('/account/set-password');
    expect(signedIn.status).toBe(409);
    expect(text(signedIn.html)).toContain(
      `You are signed in as ${STAFF.coordinator}, but this link sets the password of ozzie@sevenoaks.example.org.`,
    );
    expect(signedIn.html).not.toContain('name="password"');
    // Oz's own link still works for Oz.
    const oz = await setPassword(new Browser(product.baseUrl, '10.0.2.2'), ozLink, 'copper meadow lark');
    expect(text(oz.html)).toContain('Your account is ready');
  });

  it('throttles reset requests per email, whether or not it has an account', async () => {
    const asker = new Browser(product.baseUrl, '10.0.1.1');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const page = await asker.submit('/account/forgot-password', '/account/forgot-password', {
        email: 'ghost@sevenoaks.example.org',
      });
      statuses.push(page.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('lists, creates (shown once) and revokes API tokens', async () => {
    const made = await coordinator.submit('/account/tokens', '/account/tokens', { name: 'nightly export' });
    const token = /id="new-token">([^<]+)</.exec(made.html)?.[1];
    expect(token).toMatch(/^pr_/);
    const list = await coordinator.get('/account/tokens');
    expect(text(list.html)).toContain('nightly export');
    expect(list.html).not.toContain(token!);
    const tokenId = /\/account\/tokens\/([0-9a-f-]{36})\/revoke/.exec(list.html)![1];
    const rows = await product.db.dataSource.query(`SELECT name FROM api_tokens WHERE token_id = $1`, [
      tokenId,
    ]);
    expect(rows[0].name).toBe('nightly export');
    const revoked = await coordinator.submit('/account/tokens', `/account/tokens/${tokenId}/revoke`, {});
    expect(revoked.status).toBe(303);
    const after = await fetch(`${product.baseUrl}/cycles`, { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
  });

  it('revokes one link and reissues an agency’s from the links page', async () => {
    const call = http(product.baseUrl);
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Staff pages cycle',
      periodStart: '2020-04-01',
      periodEnd: '2021-03-31',
      dueDate: '2030-04-30',
    });
    expect(drafted.status).toBe(201);
    const cycleId = drafted.body.id as string;
    expect(
      (await call('POST', `/cycles/${cycleId}/open`, as.coordinator, { measureRefs: ['S1'] })).status,
    ).toBe(200);
    const path = `/coordinate/cycles/${encodeURIComponent(cycleId)}/links`;
    const links = await coordinator.get(path);
    expect(links.status).toBe(200);
    const revoke = /action="([^"]+\/links\/[^"/]+\/revoke)"/.exec(links.html)![1];
    const done = await coordinator.submit(path, revoke, { reason: 'Sent to the wrong person' });
    expect(done.status).toBe(303);
    expect(text((await coordinator.get(done.location!)).html)).toContain('The link is revoked');

    const reissue = /action="([^"]+\/links\/agencies\/[^"/]+\/reissue)"/.exec(links.html)![1];
    const again = await coordinator.submit(path, reissue, {});
    expect(again.status).toBe(303);
    expect(text((await coordinator.get(again.location!)).html)).toContain('New link');
  });

  it('gives a viewer their own read-only start page, and no loop back to a refusal', async () => {
    const viewer = new Browser(product.baseUrl);
    const signedIn = await viewer.signIn(STAFF.viewer, PASSWORD);
    expect(signedIn.location).toBe('/view');
    expect((await viewer.get('/')).location).toBe('/view');
    const page = await viewer.get('/view');
    expect(page.status).toBe(200);
    expect(text(page.html)).toContain('Monitoring cycles');
    expect(page.html).not.toContain('href="/review"');
    expect(page.html).not.toContain('<form method="post" action="/coordinate');
    expect((await viewer.get('/coordinate/staff')).status).toBe(403);
  });
});
