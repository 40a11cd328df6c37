/**
 * A form posted as a signed-in browser posts it: the page `from` is opened with `headers` (a session cookie, or
 * a bearer token), and its CSRF token and cookie go with `fields` to `to`, urlencoded, from the service's own
 * origin. The redirect is not followed. `fields` may be made from the page's HTML (a hidden version, say), and
 * may wait for something to happen between opening the page and posting it (another tab saving first, say).
 * The answer's headers come back too, for a cookie it set or its Retry-After. The post names the page in its
 * Referer, as a browser does; `postWith` sends it with other headers than the page was opened with (the
 * session changed while the page was open: the link opened again in another tab, say).
 */
export async function postPageForm(
  baseUrl: string,
  request: {
    from: string;
    to?: string;
    headers: Record<string, string>;
    postWith?: Record<string, string>;
    fields:
      Record<string, string> | ((html: string) => Record<string, string> | Promise<Record<string, string>>);
  },
): Promise<{ status: number; location: string | null; html: string; headers: Headers }> {
  const page = await fetch(`${baseUrl}${request.from}`, { headers: request.headers });
  const html = await page.text();
  const csrfCookie = page.headers
    .getSetCookie()
    .find((c) => c.startsWith('pr_csrf='))
    ?.split(';')[0];
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!csrfCookie || !token) throw new Error(`${request.from} gave no CSRF cookie and token to post with`);
  const fields = typeof request.fields === 'function' ? await request.fields(html) : request.fields;
  const sent = request.postWith ?? request.headers;
  const response = await fetch(`${baseUrl}${request.to ?? request.from}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      ...sent,
      cookie: [sent.cookie, csrfCookie].filter(Boolean).join('; '),
      origin: baseUrl,
      referer: `${baseUrl}${request.from}`,
      accept: 'text/html',
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ ...fields, _csrf: token }).toString(),
  });
  return {
    status: response.status,
    location: response.headers.get('location'),
    html: await response.text(),
    headers: response.headers,
  };
}
