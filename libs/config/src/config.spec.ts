import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('uses the documented defaults on an empty environment', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/partner_returns');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.smtpUrl).toBeUndefined();
    expect(config.publicBaseUrl).toBe('http://localhost:3000');
    expect(config.port).toBe(3000);
    expect(config.databaseQueryTimeoutMs).toBe(30_000);
  });

  it('reads the database query timeout: 1 s to an hour, in milliseconds', () => {
    expect(loadConfig({ DATABASE_QUERY_TIMEOUT_MS: '1500' }).databaseQueryTimeoutMs).toBe(1_500);
    expect(loadConfig({ DATABASE_QUERY_TIMEOUT_MS: '3600000' }).databaseQueryTimeoutMs).toBe(3_600_000);
    // Empty is unset, as for every variable: the default.
    expect(loadConfig({ DATABASE_QUERY_TIMEOUT_MS: '' }).databaseQueryTimeoutMs).toBe(30_000);
    for (const bad of ['0', '999', '3600001', '30s']) {
      expect(() => loadConfig({ DATABASE_QUERY_TIMEOUT_MS: bad })).toThrow(
        `DATABASE_QUERY_TIMEOUT_MS must be a whole number from 1000 to 3600000, got "${bad}"`,
      );
    }
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ DATABASE_URL: 'mysql://x', PORT: 'eighty', REDIS_URL: 'not a url' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/DATABASE_URL must be a postgres: or postgresql: URL/);
    expect(problems).toMatch(/PORT must be a whole number/);
    expect(problems).toMatch(/REDIS_URL is not a valid URL/);
  });

  it('takes a Redis database number 0-15 in REDIS_URL and names anything else there', () => {
    expect(loadConfig({ REDIS_URL: 'redis://cache:6380/3' }).redisUrl).toBe('redis://cache:6380/3');
    expect(loadConfig({ REDIS_URL: 'redis://cache:6380/' }).redisUrl).toBe('redis://cache:6380/');
    for (const bad of ['redis://cache:6380/abc', 'redis://cache:6380/16', 'redis://cache:6380/1/2']) {
      expect(() => loadConfig({ REDIS_URL: bad })).toThrow(/REDIS_URL may name a database number 0-15/);
    }
  });

  it('reads the mail delivery settings and refuses a send rate that is not a positive whole number', () => {
    expect(loadConfig({}).mail).toEqual({
      ratePerMinute: 120,
      attempts: 8,
      retryDelayMs: 30_000,
      giveUpAfterMs: 259_200_000,
      claimLeaseMs: 60_000,
      reconcileEveryMs: 300_000,
      resetRequestGraceMs: 60_000,
      chaseScanEveryMs: 300_000,
      jobLockMs: 30_000,
      digestIntervalMs: 3_600_000,
      concurrency: 8,
    });
    expect(loadConfig({ MAIL_RATE_PER_MINUTE: '600' }).mail.ratePerMinute).toBe(600);
    expect(loadConfig({ MAIL_CONCURRENCY: '16' }).mail.concurrency).toBe(16);
    expect(loadConfig({ MAIL_RECONCILE_EVERY_MS: '1000' }).mail.reconcileEveryMs).toBe(1000);
    expect(() => loadConfig({ MAIL_RECONCILE_EVERY_MS: '0' })).toThrow(/MAIL_RECONCILE_EVERY_MS must be/);
    expect(() => loadConfig({ MAIL_CONCURRENCY: '0' })).toThrow(
      /MAIL_CONCURRENCY must be a whole number from 1 to 64/,
    );
    expect(() => loadConfig({ MAIL_CONCURRENCY: '2.5' })).toThrow(/MAIL_CONCURRENCY must be a whole number/);
    expect(() => loadConfig({ MAIL_RATE_PER_MINUTE: '0' })).toThrow(
      /MAIL_RATE_PER_MINUTE must be a whole number/,
    );
    expect(() => loadConfig({ MAIL_ATTEMPTS: 'lots' })).toThrow(/MAIL_ATTEMPTS must be a whole number/);
  });

  it('limits evidence files to 20 MB each and 100 MB a return unless told, never one file over the return', () => {
    expect(loadConfig({}).evidence).toEqual({
      maxFileBytes: 20 * 1024 * 1024,
      maxReturnBytes: 100 * 1024 * 1024,
    });
    expect(
      loadConfig({ EVIDENCE_MAX_FILE_BYTES: '1000', EVIDENCE_MAX_RETURN_BYTES: '5000' }).evidence,
    ).toEqual({ maxFileBytes: 1000, maxReturnBytes: 5000 });
    expect(() => loadConfig({ EVIDENCE_MAX_FILE_BYTES: '6000', EVIDENCE_MAX_RETURN_BYTES: '5000' })).toThrow(
      /EVIDENCE_MAX_FILE_BYTES must not be more than EVIDENCE_MAX_RETURN_BYTES/,
    );
  });

  it('reads the metrics token and the worker metrics port: a fixed port by default, a free one in tests', () => {
    expect(loadConfig({}).metrics).toEqual({ token: undefined, workerPort: 9464 });
    expect(loadConfig({ NODE_ENV: 'test' }).metrics.workerPort).toBe(0);
    const token = 'a'.repeat(32);
    expect(loadConfig({ METRICS_TOKEN: token, WORKER_METRICS_PORT: '9100' }).metrics).toEqual({
      token,
      workerPort: 9100,
    });
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be 16-200 printable/);
    expect(() => loadConfig({ METRICS_TOKEN: 'has a space in it ok' })).toThrow(/METRICS_TOKEN/);
  });

  it('validates every numeric variable: digits only, within its range, each named with its range', () => {
    expect(loadConfig({}).processors).toEqual({ attempts: 5, retryDelayMs: 2_000, batchGapMs: 20 });
    expect(loadConfig({}).rebuildBatchSize).toBe(10_000);
    expect(loadConfig({}).logCheckpointEveryMs).toBe(300_000);
    expect(loadConfig({ LOG_CHECKPOINT_EVERY_MS: '1000' }).logCheckpointEveryMs).toBe(1000);
    expect(() => loadConfig({ LOG_CHECKPOINT_EVERY_MS: '0' })).toThrow(/LOG_CHECKPOINT_EVERY_MS must be/);
    expect(loadConfig({ REBUILD_BATCH_SIZE: '500', PROCESSOR_ATTEMPTS: '3' })).toMatchObject({
      rebuildBatchSize: 500,
      processors: { attempts: 3 },
    });
    const numeric = [
      'PORT',
      'DATABASE_QUERY_TIMEOUT_MS',
      'SHUTDOWN_TIMEOUT_MS',
      'MAIL_RATE_PER_MINUTE',
      'MAIL_ATTEMPTS',
      'MAIL_RETRY_DELAY_MS',
      'MAIL_GIVE_UP_AFTER_MS',
      'MAIL_CLAIM_LEASE_MS',
      'CHASE_SCAN_EVERY_MS',
      'JOB_LOCK_MS',
      'MAIL_CONCURRENCY',
      'PROCESSOR_ATTEMPTS',
      'EVIDENCE_MAX_FILE_BYTES',
      'EVIDENCE_MAX_RETURN_BYTES',
      'PROCESSOR_RETRY_DELAY_MS',
      'PROCESSOR_BATCH_GAP_MS',
      'REBUILD_BATCH_SIZE',
      'WORKER_METRICS_PORT',
      'LOG_CHECKPOINT_EVERY_MS',
    ];
    for (const bad of ['-5', 'abc', '1e3', '0x10', ' 12', '12.0', '99999999999999999999']) {
      for (const name of numeric) {
        expect(() => loadConfig({ [name]: bad })).toThrow(
          new RegExp(`${name} must be a whole number from \\d+ to \\d+, got "${bad.replace(/[.]/g, '\\.')}"`),
        );
      }
    }
  });

  it('requires real secrets and SMTP in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET is required in production/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SMTP_URL is required in production/);
    // Mailed links would point at localhost otherwise.
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/PUBLIC_BASE_URL is required in production/);
    expect(() => loadConfig({ SESSION_SECRET: 'short' })).toThrow(
      /SESSION_SECRET must be at least 32 characters/,
    );
  });

  it('refuses to start in production without a MAIL_FROM on a domain that receives mail, naming it', () => {
    const production = {
      NODE_ENV: 'production',
      SMTP_URL: 'smtp://127.0.0.1:25',
      PUBLIC_BASE_URL: 'https://returns.kent.gov.uk',
      SESSION_SECRET: '9b41e07c2fd8a6531e0c4b7a98d2f6e3',
      TOKEN_PEPPER: 'f3a9c07d5e1b6482a0cd97e3b15f6a28',
    };
    // The default, returns@partner-returns.local, went out as the sender of every production mail.
    expect(() => loadConfig(production)).toThrow(/MAIL_FROM is required in production/);
    for (const from of [
      'Partner Returns <returns@partner-returns.local>',
      'returns@localhost',
      'Returns <returns@returns.example>',
      'returns@mail.invalid',
      'returns@ci.test',
      'returns@example.org',
      'Returns <noreply@mail.example.com>',
      'returns@127.0.0.1',
    ]) {
      expect(() => loadConfig({ ...production, MAIL_FROM: from })).toThrow(
        /MAIL_FROM must be on a domain that receives mail in production, not \S+/,
      );
    }
    for (const from of ['not an address', 'Returns <returns>', 'returns@', '<@kent.gov.uk>']) {
      expect(() => loadConfig({ ...production, MAIL_FROM: from })).toThrow(
        /MAIL_FROM must be an email address/,
      );
    }
    for (const from of ['returns@kent.gov.uk', 'Sevenoaks LSP <Returns@Sevenoaks.Gov.UK>']) {
      expect(loadConfig({ ...production, MAIL_FROM: from }).mailFrom).toBe(from);
    }
    // Outside production the default stands: development mail goes to the embedded catcher, never out.
    expect(loadConfig({}).mailFrom).toBe('Partner Returns <returns@partner-returns.local>');
  });

  it('refuses in production a secret that was written rather than generated, as a compose fallback is', () => {
    const production = {
      NODE_ENV: 'production',
      SMTP_URL: 'smtp://127.0.0.1:25',
      PUBLIC_BASE_URL: 'https://returns.example.org',
      MAIL_FROM: 'Partner Returns <returns@kent.gov.uk>',
      TOKEN_PEPPER: 'f3a9c07d5e1b6482a0cd97e3b15f6a28',
    };
    for (const placeholder of [
      'change-me-in-production-0123456789abcdef',
      'change-me-set-a-random-secret-of-32-or-more-characters',
      'an-example-session-secret-for-the-readme',
      'a'.repeat(40),
      'abababababababababababababababab',
    ]) {
      expect(() => loadConfig({ ...production, SESSION_SECRET: placeholder })).toThrow(
        /SESSION_SECRET looks like a placeholder, not a secret/,
      );
    }
    expect(
      loadConfig({ ...production, SESSION_SECRET: '9b41e07c2fd8a6531e0c4b7a98d2f6e3' }).sessionSecret,
    ).toBe('9b41e07c2fd8a6531e0c4b7a98d2f6e3');
    // Outside production a written value is fine: tests and the demo use them.
    expect(loadConfig({ SESSION_SECRET: 'a'.repeat(40) }).sessionSecret).toBe('a'.repeat(40));
  });

  it('outside production, derives secrets per database so separate api and worker processes agree', () => {
    const a = loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/one' });
    const b = loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/one' });
    const c = loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/two' });
    expect(a.tokenPepper).toBe(b.tokenPepper);
    expect(a.tokenPepper).not.toBe(c.tokenPepper);
    expect(a.tokenPepper).not.toBe(a.sessionSecret);
    expect(loadConfig({ TOKEN_PEPPER: 'p'.repeat(32) }).tokenPepper).toBe('p'.repeat(32));
  });

  it('takes an operator partnership id, and names a bad one', () => {
    expect(loadConfig({ OPERATOR_PARTNERSHIP: 'sevenoaks-lsp' }).operatorPartnershipId).toBe('sevenoaks-lsp');
    expect(loadConfig({}).operatorPartnershipId).toBeUndefined();
    expect(() => loadConfig({ OPERATOR_PARTNERSHIP: 'Sevenoaks LSP' })).toThrow(
      /OPERATOR_PARTNERSHIP must be/,
    );
  });
});
