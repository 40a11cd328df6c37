import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { requireWellFormedId } from '../../../kernel/src/index.js';

/** PostgreSQL cuts identifiers at 63 bytes: the readable part is cut first, never the suffix that makes it unique. */
const MAX_READABLE = 48;

/**
 * The BI role of a partnership in one database: `bi_<partnership>_<8 hex>`. Roles belong to the whole
 * PostgreSQL server, not to a database, so the suffix (a hash of database and partnership) keeps two databases
 * on one server (two deployments, or every test's throwaway database) from sharing a role. The partnership id is
 * checked against its shape first; the name is still always quoted where it meets SQL.
 */
export function biRoleName(partnershipId: string, database: string): string {
  requireWellFormedId('slug', partnershipId, 'partnershipId');
  const suffix = createHash('sha256').update(`${database}\u0000${partnershipId}`).digest('hex').slice(0, 8);
  return `bi_${partnershipId.slice(0, MAX_READABLE)}_${suffix}`;
}

/** A password for a BI role: 192 random bits, in characters every connection dialog takes as typed. */
export function newBiPassword(): string {
  return randomBytes(24).toString('base64url');
}

const SCRAM_ITERATIONS = 4096;

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802/7677), made here so that the password
 * itself never travels to the server: `ALTER ROLE ... PASSWORD` with a verifier keeps it out of any statement
 * log. PostgreSQL recognises the form and stores it as given.
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16)): string {
  const salted = pbkdf2Sync(password, salt, SCRAM_ITERATIONS, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${SCRAM_ITERATIONS}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
