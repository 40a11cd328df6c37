/**
 * The SMTP URL nodemailer is given: pooled unless the URL says otherwise (`?pool=false`). Without a pool every
 * mail opens its own connection and repeats the greeting (and TLS, and AUTH), which limited a chase run to a few
 * dozen mails a second; nodemailer's pool keeps up to `maxConnections` (5 unless the URL sets it) open.
 */
export function pooledSmtpUrl(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
  return url.toString();
}
