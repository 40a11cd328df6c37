import { createHash } from 'node:crypto';
import { parseTrustProxy, TrustProxy } from './trust-proxy.js';

/** Everything the apps read from the environment, validated once at start-up. */
export interface AppConfig {
  nodeEnv: 'development' | 'test' | 'production';
  port: number;
  databaseUrl: string;
  /**
   * The longest a statement of the api or the worker may take (DATABASE_QUERY_TIMEOUT_MS): a PostgreSQL that
   * stalls makes a request answer 503 and a job or processor retry, instead of waiting for as long as it lasts.
   */
  databaseQueryTimeoutMs: number;
  redisUrl: string;
  /** Unset outside production: the embedded SMTP catcher is used and mails are listed at /dev/mail. */
  smtpUrl: string | undefined;
  mailFrom: string;
  publicBaseUrl: string;
  /** Prefix for every BullMQ key, so test runs and deployments sharing a Redis never meet. */
  queuePrefix: string;
  sessionSecret: string;
  tokenPepper: string;
  /**
   * The partnership that runs this deployment: its coordinators see the queue dashboard, which shows every
   * partnership's jobs. Unset: allowed only while the deployment hosts a single partnership.
   */
  operatorPartnershipId: string | undefined;
  logLevel: string;
  /** Logs go to standard output unless a file is named (tests read it to prove no secret is logged). */
  logFile: string | undefined;
  shutdownTimeoutMs: number;
  /** The proxies whose X-Forwarded-For names the client's address (throttles count by address); none by default. */
  trustProxy: TrustProxy;
  /** Chasing and mail delivery: see README, Environment. */
  mail: MailDeliveryConfig;
  /** How the worker's event processors retry an event they fail on before parking it. */
  processors: { attempts: number; retryDelayMs: number; batchGapMs: number };
  /** Events per batch in `npm run projections:rebuild`. */
  rebuildBatchSize: number;
  /** How often each worker checkpoints the tamper-evident log (skipped when nothing was appended meanwhile). */
  logCheckpointEveryMs: number;
  /** Files on a return (see README, Evidence files): the largest one file, and all of a return's together. */
  evidence: { maxFileBytes: number; maxReturnBytes: number };
  /** Operators' signals: see README, Metrics and alerts. */
  metrics: MetricsConfig;
  /**
   * argon2id's cost for passwords: `production` always outside tests; `test-only-fast` (PASSWORD_HASHING) is
   * taken only with NODE_ENV=test, so that test files do not spend seconds making and signing in accounts.
   */
  passwordHashing: 'production' | 'test-only-fast';
}

export interface MetricsConfig {
  /** When set, GET /metrics (api and worker) answers only `Authorization: Bearer <token>`; open when unset. */
  token: string | undefined;
  /** The worker's own small HTTP listener (/metrics, /health); 0 picks a free port (the tests' default). */
  workerPort: number;
}

export interface MailDeliveryConfig {
  /** At most this many mails a minute, across every worker (a BullMQ rate limiter on the mail queue). */
  ratePerMinute: number;
  /** Tries per mail for temporary failures (SMTP 4xx, connection refused), with exponential backoff and jitter. */
  attempts: number;
  /** The first retry's delay; each later one doubles it. */
  retryDelayMs: number;
  /**
   * How long a mail that keeps failing for a temporary reason (an SMTP server away) stays owed: until then a run of
   * tries that ends in a temporary failure is not the last word, and reconciliation starts another.
   */
  giveUpAfterMs: number;
  /** A mail sender's lease: renewed every third of it while the sender lives, taken over once it lapses. */
  claimLeaseMs: number;
  /** How often each worker re-enqueues the mail the events owe that has no outcome yet (and once at start). */
  reconcileEveryMs: number;
  /**
   * A password reset request older than this that no api has issued is taken up by the worker (the api that
   * answered it was killed first); the worker looks this often, and once at start.
   */
  resetRequestGraceMs: number;
  /** How often the chase scheduler scans the return-status read model for chases that are due. */
  chaseScanEveryMs: number;
  /** How long a worker's hold on a job lasts without renewal: a job of a dead worker is retried after it. */
  jobLockMs: number;
  /**
   * The length of a digest's window, counted from the Unix epoch so every worker agrees where windows start
   * (an hour by default: the hours of UTC are the hours of Europe/London).
   */
  digestIntervalMs: number;
  /**
   * Mail jobs each worker process runs at once. A mail job mostly waits (on PostgreSQL, then on the SMTP server),
   * so a few more than the SMTP connections keeps both busy.
   */
  concurrency: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const str = (name: string, fallback?: string): string | undefined => {
    const value = env[name];
    return value === undefined || value === '' ? fallback : value;
  };
  const url = (name: string, protocols: string[], fallback?: string): string | undefined => {
    const value = str(name, fallback);
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) {
        problems.push(`${name} must be a ${protocols.join(' or ')} URL, got protocol "${parsed.protocol}"`);
      }
    } catch {
      problems.push(`${name} is not a valid URL`);
    }
    return value;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    // Digits only: Number() would also take "1e3", "0x10", " 12 " and "" without a word.
    const value = /^-?\d{1,16}$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };

  const nodeEnv = str('NODE_ENV', 'development')!;
  if (!['development', 'test', 'production'].includes(nodeEnv)) {
    problems.push(`NODE_ENV must be development, test or production, got "${nodeEnv}"`);
  }
  const production = nodeEnv === 'production';
  const port = int('PORT', 3000, 0, 65535);
  const databaseUrl = url(
    'DATABASE_URL',
    ['postgres:', 'postgresql:'],
    'postgres://postgres@127.0.0.1:5432/partner_returns',
  )!;
  // A second at least: less would cut the ordinary statements of a busy machine (see README, Environment).
  const databaseQueryTimeoutMs = int('DATABASE_QUERY_TIMEOUT_MS', 30_000, 1_000, 3_600_000);
  const redisUrl = url('REDIS_URL', ['redis:', 'rediss:'], 'redis://127.0.0.1:6379')!;
  // ioredis SELECTs the path as a database number: anything else is a stack trace at start-up, not a message.
  const redisDb = URL.canParse(redisUrl) ? new URL(redisUrl).pathname.replace(/^\//, '') : '';
  if (redisDb !== '' && !/^(?:[0-9]|1[0-5])$/.test(redisDb)) {
    problems.push(
      'REDIS_URL may name a database number 0-15 after the host (redis://host:6379/0), nothing else',
    );
  }
  const smtpUrl = url('SMTP_URL', ['smtp:', 'smtps:']);
  if (production && !smtpUrl) problems.push('SMTP_URL is required in production');
  const publicBaseUrl = url('PUBLIC_BASE_URL', ['http:', 'https:'], `http://localhost:${port}`)!;
  // Every link, reset and invitation mailed names it: in production a localhost address would reach no one.
  if (production && !str('PUBLIC_BASE_URL'))
    problems.push('PUBLIC_BASE_URL is required in production (the address people reach the service at)');
  const queuePrefix = str('QUEUE_PREFIX', 'partner-returns')!;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(queuePrefix)) {
    problems.push('QUEUE_PREFIX must be 1-64 letters, digits, "-" or "_"');
  }
  const secret = (name: string): string => {
    const value = str(name);
    if (value === undefined) {
      if (production) problems.push(`${name} is required in production (at least 32 characters)`);
      // Outside production: derived from the database it guards, so an api and a worker started separately
      // agree (links mailed by one open in the other) and links survive a restart; never a shipped default.
      return createHash('sha256').update(`${name}:development-only:${databaseUrl}`).digest('hex');
    }
    if (value.length < 32) problems.push(`${name} must be at least 32 characters`);
    else if (production && looksLikePlaceholder(value))
      problems.push(
        `${name} looks like a placeholder, not a secret: set 32 or more random characters (e.g. from \`openssl rand -hex 32\`)`,
      );
    return value;
  };
  const operatorPartnershipId = str('OPERATOR_PARTNERSHIP');
  if (operatorPartnershipId !== undefined && !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(operatorPartnershipId)) {
    problems.push('OPERATOR_PARTNERSHIP must be a partnership id: lower-case words joined by "-"');
  }
  const sessionSecret = secret('SESSION_SECRET');
  const tokenPepper = secret('TOKEN_PEPPER');
  const logLevel = str('LOG_LEVEL', nodeEnv === 'test' ? 'warn' : 'info')!;
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const mailFrom = str('MAIL_FROM', DEVELOPMENT_MAIL_FROM)!;
  // The default's .local domain receives nothing: replies, bounces and SPF/DMARC checks all need a real one, and
  // mail from it is the first a receiving server rejects or files as spam.
  if (production) {
    const problem = mailFromProblem(str('MAIL_FROM'));
    if (problem) problems.push(problem);
  }
  const shutdownTimeoutMs = int('SHUTDOWN_TIMEOUT_MS', 10_000, 100, 120_000);
  const trustProxy = parseTrustProxy(str('TRUST_PROXY'));
  if (trustProxy.problem) problems.push(trustProxy.problem);
  const mail: MailDeliveryConfig = {
    ratePerMinute: int('MAIL_RATE_PER_MINUTE', 120, 1, 100_000),
    attempts: int('MAIL_ATTEMPTS', 8, 1, 50),
    retryDelayMs: int('MAIL_RETRY_DELAY_MS', 30_000, 10, 3_600_000),
    giveUpAfterMs: int('MAIL_GIVE_UP_AFTER_MS', 259_200_000, 1_000, 2_592_000_000),
    claimLeaseMs: int('MAIL_CLAIM_LEASE_MS', 60_000, 300, 86_400_000),
    reconcileEveryMs: int('MAIL_RECONCILE_EVERY_MS', 300_000, 200, 86_400_000),
    resetRequestGraceMs: int('RESET_REQUEST_GRACE_MS', 60_000, 200, 3_600_000),
    chaseScanEveryMs: int('CHASE_SCAN_EVERY_MS', 300_000, 1_000, 86_400_000),
    jobLockMs: int('JOB_LOCK_MS', 30_000, 500, 600_000),
    digestIntervalMs: int('DIGEST_INTERVAL_MS', 3_600_000, 1_000, 86_400_000),
    concurrency: int('MAIL_CONCURRENCY', 8, 1, 64),
  };

  const processors = {
    attempts: int('PROCESSOR_ATTEMPTS', 5, 1, 100),
    retryDelayMs: int('PROCESSOR_RETRY_DELAY_MS', 2_000, 10, 3_600_000),
    // The default is DEFAULT_BATCH_GAP_MS's (libs/event-store, event-processor.ts).
    batchGapMs: int('PROCESSOR_BATCH_GAP_MS', 20, 0, 10_000),
  };
  // The default is DEFAULT_REBUILD_BATCH_SIZE's (libs/projections).
  const rebuildBatchSize = int('REBUILD_BATCH_SIZE', 10_000, 1, 1_000_000);
  const logCheckpointEveryMs = int('LOG_CHECKPOINT_EVERY_MS', 300_000, 200, 86_400_000);

  const evidence = {
    maxFileBytes: int('EVIDENCE_MAX_FILE_BYTES', 20 * 1024 * 1024, 1, 2 ** 40),
    maxReturnBytes: int('EVIDENCE_MAX_RETURN_BYTES', 100 * 1024 * 1024, 1, 2 ** 40),
  };
  if (evidence.maxFileBytes > evidence.maxReturnBytes) {
    problems.push('EVIDENCE_MAX_FILE_BYTES must not be more than EVIDENCE_MAX_RETURN_BYTES');
  }
  const metricsToken = str('METRICS_TOKEN');
  if (metricsToken !== undefined && !/^[\x21-\x7e]{16,200}$/.test(metricsToken)) {
    problems.push('METRICS_TOKEN must be 16-200 printable characters without spaces');
  }
  // Tests start many workers at once on one machine: each takes a free port unless told otherwise.
  const metrics: MetricsConfig = {
    token: metricsToken,
    workerPort: int('WORKER_METRICS_PORT', nodeEnv === 'test' ? 0 : 9464, 0, 65535),
  };

  const passwordHashing = str('PASSWORD_HASHING', 'production')!;
  if (passwordHashing !== 'production' && passwordHashing !== 'test-only-fast') {
    problems.push('PASSWORD_HASHING must be production or test-only-fast');
  } else if (passwordHashing === 'test-only-fast' && nodeEnv !== 'test') {
    problems.push(
      'PASSWORD_HASHING=test-only-fast is taken only with NODE_ENV=test: passwords need the production cost',
    );
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    nodeEnv: nodeEnv as AppConfig['nodeEnv'],
    port,
    databaseUrl,
    databaseQueryTimeoutMs,
    redisUrl,
    smtpUrl,
    mailFrom,
    publicBaseUrl: publicBaseUrl.replace(/\/$/, ''),
    queuePrefix,
    sessionSecret,
    tokenPepper,
    operatorPartnershipId,
    logLevel,
    logFile: str('LOG_FILE'),
    shutdownTimeoutMs,
    trustProxy: trustProxy.value,
    mail,
    processors,
    rebuildBatchSize,
    evidence,
    metrics,
    logCheckpointEveryMs,
    passwordHashing: passwordHashing as AppConfig['passwordHashing'],
  };
}

/** Outside production only: a domain that receives nothing, so no mail can ever be mistaken for a real one. */
export const DEVELOPMENT_MAIL_FROM = 'Partner Returns <returns@partner-returns.local>';

/** Top-level domains reserved for tests, examples and local networks (RFC 2606, 6761, 6762): nothing is delivered. */
const UNDELIVERABLE_TLDS = ['local', 'localhost', 'example', 'invalid', 'test', 'internal', 'lan', 'home'];
/** Second-level domains reserved for examples (RFC 2606). */
const EXAMPLE_DOMAINS = ['example.com', 'example.net', 'example.org'];

/**
 * Why MAIL_FROM cannot be production's sender, or null: unset, not an address (`returns@council.gov.uk` or
 * `Partner Returns <returns@council.gov.uk>`), or on a domain that receives no mail.
 */
export function mailFromProblem(value: string | undefined): string | null {
  const example = 'e.g. MAIL_FROM="Partner Returns <returns@your-council.gov.uk>"';
  if (value === undefined)
    return `MAIL_FROM is required in production: the address every mail is sent from, on a domain that receives mail (${example})`;
  const address = (/^[^<>]*<([^<>]+)>\s*$/.exec(value)?.[1] ?? value).trim();
  const parts =
    /^[^\s@<>"]+@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?)$/.exec(
      address,
    );
  if (!parts)
    return `MAIL_FROM must be an email address, optionally with a name (${example}), got "${value}"`;
  const domain = parts[1].toLowerCase().replace(/\.$/, '');
  const tld = domain.slice(domain.lastIndexOf('.') + 1);
  if (
    !domain.includes('.') ||
    !/^[a-z]/.test(tld) || // an IP address, not a domain
    UNDELIVERABLE_TLDS.includes(tld) ||
    EXAMPLE_DOMAINS.some((d) => domain === d || domain.endsWith(`.${d}`))
  )
    return (
      `MAIL_FROM must be on a domain that receives mail in production, not ${domain} (reserved for ` +
      `tests, examples or local networks: replies and bounces would go nowhere) (${example})`
    );
  return null;
}

/**
 * A value someone wrote rather than generated: the words of a shipped fallback ("change me", "example"), or
 * too few distinct characters to be random (32 random hex digits hold about 14). Refused in production, so a
 * fallback in a compose file can never run a shared deployment.
 */
export function looksLikePlaceholder(value: string): boolean {
  return /change.?me|example|placeholder|default|dummy|not.?secret/i.test(value) || new Set(value).size < 8;
}
