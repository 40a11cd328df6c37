/** What an SMTP failure means for a retry: temporary (4xx, no connection) or permanent (5xx). */
export interface SmtpFailure {
  permanent: boolean;
  responseCode: number | null;
  reason: string;
}

const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ESOCKET',
  'ECONNECTION',
  'EDNS',
  'EPIPE',
]);

/**
 * nodemailer reports the server's reply code as `responseCode`. A 5xx is the server saying "never": retrying
 * would only repeat it. A 4xx, or no answer at all, is "not now". Anything else unknown is tried again.
 */
export function classifySmtpFailure(error: unknown): SmtpFailure {
  const e = error as { responseCode?: number; code?: string; response?: string; message?: string };
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : null;
  const reason = (e.response ?? e.message ?? String(error)).slice(0, 500);
  if (responseCode !== null) return { permanent: responseCode >= 500, responseCode, reason };
  return {
    permanent: false,
    responseCode: null,
    reason: NETWORK.has(e.code ?? '') ? `${e.code}: ${reason}` : reason,
  };
}
