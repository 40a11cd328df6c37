/**
 * The SMTP URL nodemailer is given: pooled unless the URL says otherwise (`?pool=false`). Without a pool every
 * mail opens its own connection and repeats the greeting (and TLS, and AUTH), which limited a chase run to a few
 * dozen mails a second.
 *
 * The pool holds as many connections as mails are sent at once (`connections`, the worker's mail concurrency)
 * unless the URL sets `maxConnections`: a mail is claimed in the ledger before it is sent, and one left waiting
 * for a connection behind slow ones could outlive its claim's lease and be taken over while still going out.
 */
export function pooledSmtpUrl(smtpUrl: string, connections: number): string {
  const url = new URL(smtpUrl);
  if (url.searchParams.get('pool') === 'false') return smtpUrl;
  if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
  if (!url.searchParams.has('maxConnections')) url.searchParams.set('maxConnections', String(connections));
  return url.toString();
}
