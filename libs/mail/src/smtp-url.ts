/**
 * The SMTP URL nodemailer is given. `?pool=true` keeps connections open between mails (a connection per mail
 * repeats the greeting, TLS and AUTH every time: a few dozen mails a second); the pool then holds as many
 * connections as mails are sent at once (`connections`, the worker's mail concurrency) unless the URL sets
 * `maxConnections`, because a mail is claimed in the ledger before it is sent, and one left waiting for a
 * connection behind slow ones could outlive its claim's lease and be taken over while still going out.
 *
 * Not pooled by default: with a pool, the crash test (a worker killed mid-batch) saw a digest delivered twice in
 * about one run in four, against none in as many runs without; until that is understood, pooling is asked for.
 */
export function sizedSmtpUrl(smtpUrl: string, connections: number): string {
  const url = new URL(smtpUrl);
  if (url.searchParams.get('pool') !== 'true' || url.searchParams.has('maxConnections')) return smtpUrl;
  url.searchParams.set('maxConnections', String(connections));
  return url.toString();
}
