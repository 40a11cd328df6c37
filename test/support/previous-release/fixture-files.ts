import { join } from 'node:path';

/**
 * Where the database written by the previous release is kept, with what was asked of it and what it answered
 * (PREVIOUS_RELEASE_FIXTURE points the upgrade test at another one, such as one made with --out).
 */
export const FIXTURE_DIR =
  process.env.PREVIOUS_RELEASE_FIXTURE ?? join(__dirname, '../../fixtures/previous-release');
export const DUMP_FILE = join(FIXTURE_DIR, 'database.sql.gz');
export const MANIFEST_FILE = join(FIXTURE_DIR, 'manifest.json');
export const ANSWERS_FILE = join(FIXTURE_DIR, 'answers.json.gz');

/** A request the previous release was asked after its story, and its answer: the upgraded product must agree. */
export interface RecordedAnswer {
  /** Who asked: a key of Manifest.tokens or Manifest.sessions. */
  as: string;
  path: string;
  status: number;
  contentType: string | null;
  /** JSON answers parsed; anything else as text. */
  body: unknown;
  etag: string | null;
}

/**
 * What the fixture is and how to use it. The secrets here are test fixtures, made for this database only: the
 * dump holds only their hashes, as the product stores them.
 */
export interface Manifest {
  /** The commit the database was written by, and when. */
  commit: string;
  madeAt: string;
  /** The instant the answers were recorded: run the upgraded product on a clock set to it. */
  answeredAt: string;
  postgres: string;
  /** The secrets the previous release ran with: submission-link tokens are derived from the pepper. */
  env: { TOKEN_PEPPER: string; SESSION_SECRET: string };
  passwords: Record<string, string>;
  /** Bearer tokens of staff accounts, by who holds them. */
  tokens: Record<string, string>;
  /** Session cookies (the pr_session value): staff signed in and agency leads through their link. */
  sessions: Record<string, string>;
  partnerships: { sevenoaks: string; other: string };
  /** Cycle ids by what the story made of them. */
  cycles: {
    demo: string;
    closed: string;
    open: string;
    drafted: string;
    other: string;
  };
  /** For each cycle, the return ids it requested. */
  returns: Record<string, string[]>;
  /** An instant between the closed cycle's last approval and its closing, for a report as it stood then. */
  beforeClose: string;
  /** Streams in the dump, by kind (the text before the first colon of the stream id). */
  streams: Record<string, number>;
  events: number;
}
