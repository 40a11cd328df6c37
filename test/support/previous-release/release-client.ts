/** A release's HTTP API as its users meet it: JSON in, status, headers and body out. No product code. */
export interface Answer {
  status: number;
  headers: Headers;
  // The story reads answers freely; the checks are the upgrade test's.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
}

export type Caller = Record<string, string>;

export class ReleaseClient {
  constructor(readonly baseUrl: string) {}

  async call(method: string, path: string, who: Caller, body?: unknown): Promise<Answer> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        accept: 'application/json',
        // A browser's same-origin request; releases that check the origin of cookie-authenticated writes accept it.
        origin: this.baseUrl,
        ...who,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  /** A call that must succeed: anything else stops the story with what the release said. */
  async ok(method: string, path: string, who: Caller, body?: unknown): Promise<Answer> {
    const answer = await this.call(method, path, who, body);
    if (answer.status >= 300) {
      throw new Error(`${method} ${path} answered ${answer.status}: ${answer.text.slice(0, 500)}`);
    }
    return answer;
  }

  /** Staff sign-in: the session cookie's value. */
  async signIn(email: string, password: string): Promise<string> {
    const answer = await this.ok('POST', '/auth/sign-in', {}, { email, password });
    return sessionOf(answer.headers);
  }

  /** Exchanges an emailed link token for the agency lead's session cookie, as the Continue button does. */
  async useLink(token: string): Promise<string> {
    const response = await fetch(`${this.baseUrl}/l`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        origin: this.baseUrl,
      },
      body: new URLSearchParams({ token }).toString(),
    });
    if (response.status !== 303) {
      throw new Error(`POST /l answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    }
    return sessionOf(response.headers);
  }
}

export function sessionOf(headers: Headers): string {
  const cookie = headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('pr_session='));
  if (!cookie) throw new Error('no session cookie was set');
  return cookie.slice('pr_session='.length);
}

export const bearer = (token: string): Caller => ({ authorization: `Bearer ${token}` });
export const cookie = (session: string): Caller => ({ cookie: `pr_session=${session}` });
