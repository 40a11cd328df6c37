import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Server } from 'node:http';
import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { ApiModule } from '../../apps/api/src/api.module.js';
import { configureApi } from '../../apps/api/src/configure-app.js';
import { startWorker } from '../../apps/worker/src/main.js';
import { AppConfig, loadConfig } from '../../libs/config/src/index.js';
import { Clock, SystemClock } from '../../libs/kernel/src/index.js';
import { EventStore } from '../../libs/event-store/src/index.js';
import { importPlan, parsePlanFile, PlanFile } from '../../libs/plan/src/index.js';
import { deleteQueueKeys } from '../../libs/queues/src/index.js';
import { AuthService } from '../../libs/auth/src/index.js';
import { SmtpSink } from './smtp-sink.js';
import { createTestDatabase, TestDatabase } from './test-database.js';

export const SEVENOAKS_FILE = join(__dirname, '../../examples/sevenoaks-2019-22.yaml');

export function sevenoaksPlan(): PlanFile {
  const parsed = parsePlanFile(readFileSync(SEVENOAKS_FILE, 'utf8'));
  if (!parsed.ok) throw new Error('the example plan does not parse');
  return parsed.plan;
}

export interface Product {
  config: AppConfig;
  db: TestDatabase;
  smtp: SmtpSink;
  api: NestExpressApplication;
  worker: INestApplicationContext;
  baseUrl: string;
  store: EventStore;
  stop(): Promise<void>;
}

/** The whole product on real services: a throwaway database, Redis under a per-run prefix, an SMTP peer. */
export async function startProduct(
  label: string,
  clock: Clock = new SystemClock(),
  env: Record<string, string> = {},
  /** A database made beforehand (such as one restored from a fixture); a new empty one when omitted. */
  database?: TestDatabase,
): Promise<Product> {
  const db = database ?? (await createTestDatabase(label));
  const smtp = new SmtpSink();
  const smtpUrl = await smtp.start();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: db.url,
    REDIS_URL: process.env.REDIS_URL,
    SMTP_URL: smtpUrl,
    QUEUE_PREFIX: `test-${label}-${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    // The least argon2id cost: six accounts are made here for every test file, and many sign in. The production
    // cost is held by libs/auth's password-hashing spec and read back from the production install's own hash.
    PASSWORD_HASHING: 'test-only-fast',
    ...env,
  });
  const api = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config, clock), {
    bufferLogs: true,
  });
  configureApi(api);
  await api.listen(0, '127.0.0.1');
  const worker = await startWorker(config, { clock, relayPollIntervalMs: 25 });
  // Any store reads a return's texts, as the product does: the returns lib's hook is on every EventStore.
  const store = new EventStore(db.dataSource);
  const baseUrl = await api.getUrl().then((u) => u.replace('[::1]', '127.0.0.1'));
  await createCredentials(api.get(AuthService), baseUrl);
  return {
    config,
    db,
    smtp,
    api,
    worker,
    store,
    baseUrl,
    async stop() {
      await worker.close();
      await closeApi(api, label);
      await smtp.stop();
      await db.drop();
      await deleteQueueKeys(config.redisUrl, config.queuePrefix);
    },
  };
}

/**
 * Closes the api. A response the test never read can stay half-written (its connection busy until the collector
 * frees the body), and the close would wait on it past the hook's timeout: after 5 s such connections are cut,
 * with a line saying so, since the test's own assertions are over by then.
 */
async function closeApi(api: NestExpressApplication, label: string): Promise<void> {
  const server = api.getHttpServer() as Server;
  const cut = setTimeout(() => {
    process.stderr.write(
      `${label}: the api still had a response open 5 s into its close (a body never read?): cut\n`,
    );
    server.closeAllConnections();
  }, 5_000);
  try {
    await api.close();
  } finally {
    clearTimeout(cut);
  }
}

export async function importSevenoaks(store: EventStore): Promise<PlanFile> {
  const plan = sevenoaksPlan();
  await importPlan(store, plan, { actorId: 'test', actorRole: 'coordinator', correlationId: 'test-import' });
  return plan;
}

export const STAFF = {
  coordinator: 'cora@sevenoaks.example.org',
  reviewer: 'rita@sevenoaks.example.org',
  reviewer2: 'raj@sevenoaks.example.org',
  viewer: 'vic@sevenoaks.example.org',
  board: 'bea@sevenoaks.example.org',
  otherCoordinator: 'olga@other.example.org',
} as const;
export const PASSWORD = 'correct horse battery staple';

type Headers = Record<string, string>;
let credentials: { staff: Record<keyof typeof STAFF, Headers>; leads: Map<string, Headers> } | null = null;

/**
 * Request headers that identify the caller through the real sign-in machinery: staff hold bearer tokens made
 * by AuthService, agency leads hold link sessions (for every agency of the Sevenoaks plan, not tied to a cycle).
 * A session cookie writes only from the service's own origin, so the leads' headers name it, as a browser would.
 */
export const as = {
  get coordinator(): Headers {
    return signedIn().staff.coordinator;
  },
  get reviewer(): Headers {
    return signedIn().staff.reviewer;
  },
  get reviewer2(): Headers {
    return signedIn().staff.reviewer2;
  },
  get viewer(): Headers {
    return signedIn().staff.viewer;
  },
  /** A board member: the second stage of sign-off in two-stage cycles. */
  get board(): Headers {
    return signedIn().staff.board;
  },
  /** The coordinator of another partnership, for isolation tests. */
  get otherCoordinator(): Headers {
    return signedIn().staff.otherCoordinator;
  },
  lead(agencyId: string): Headers {
    const headers = signedIn().leads.get(agencyId);
    if (!headers) throw new Error(`no agency lead session for ${agencyId}`);
    return headers;
  },
};

function signedIn() {
  if (!credentials) throw new Error('startProduct() first');
  return credentials;
}

async function createCredentials(auth: AuthService, origin: string): Promise<void> {
  const staff = {} as Record<keyof typeof STAFF, Headers>;
  const roles = {
    coordinator: 'coordinator',
    reviewer: 'reviewer',
    reviewer2: 'reviewer',
    viewer: 'viewer',
    board: 'board',
    otherCoordinator: 'coordinator',
  } as const;
  for (const [key, email] of Object.entries(STAFF) as [keyof typeof STAFF, string][]) {
    const partnershipId = key === 'otherCoordinator' ? 'other-lsp' : 'sevenoaks-lsp';
    await auth.createStaff({ partnershipId, email, name: key, role: roles[key], password: PASSWORD });
    const { token } = await auth.createApiToken(email, 'tests');
    staff[key] = { authorization: `Bearer ${token}` };
  }
  const leads = new Map<string, Headers>();
  for (const agency of sevenoaksPlan().agencies) {
    const contact = agency.contacts.find((c) => c.role === 'lead')!;
    const session = await auth.createLinkSession({
      linkId: `test-${agency.id}`,
      partnershipId: 'sevenoaks-lsp',
      cycleId: null,
      agencyId: agency.id,
      contactEmail: contact.email,
    });
    leads.set(agency.id, { cookie: `pr_session=${session}`, origin });
  }
  credentials = { staff, leads };
}

/** A small HTTP client: JSON in, { status, headers, body } out. */
export function http(baseUrl: string) {
  return async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    // Tests read the body freely; the assertions are what check its shape.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: response.status, headers: response.headers, body: json as any };
  };
}

export { eventually } from './eventually.js';
