import { randomUUID } from 'node:crypto';
import { EntityManager, IsNull } from 'typeorm';
import { EventStore } from '../../../event-store/src/index.js';
import { passwordToken, sha256 } from '../../../kernel/src/index.js';
import { PasswordLinkIssued, passwordLinkStreamId } from './password-mail.reaction.js';
import { PasswordToken } from './password-token.entity.js';
import { PasswordTokenPurpose, tokenExpiry } from './password-token.js';

/**
 * A new set-password token and the mail it owes, in `m`'s transaction: shared by the api (invitations, resets) and
 * the worker (resets an api did not live to issue). The token is derived from a fresh id and TOKEN_PEPPER
 * (passwordToken): only its hash is stored, and the event names the id, so the worker can write the link into the
 * mail and nothing at rest (job, owed_mails, event) holds the token.
 */
export async function issuePasswordLink(
  m: EntityManager,
  store: EventStore,
  pepper: string,
  now: Date,
  staffId: string,
  purpose: PasswordTokenPurpose,
): Promise<void> {
  const tokenId = randomUUID();
  // A new link replaces any earlier one still unused: only the latest mail works (an earlier one not yet
  // mailed is then not mailed at all: SendPasswordMail finds it replaced).
  await m.update(PasswordToken, { staffId, usedAt: IsNull() }, { usedAt: now });
  await m.insert(PasswordToken, {
    tokenHash: sha256(passwordToken(pepper, tokenId)),
    tokenId,
    staffId,
    purpose,
    expiresAt: tokenExpiry(purpose, now),
  });
  const issued: PasswordLinkIssued = { type: 'PasswordLinkIssued', data: { tokenId, staffId, purpose } };
  await store.append(
    passwordLinkStreamId(tokenId),
    'no_stream',
    [issued],
    {
      actorId: 'passwords',
      actorRole: 'system',
      correlationId: `password-link-${tokenId}`,
      reason: purpose === 'invite' ? 'An account was made' : 'A password reset was asked for',
    },
    { recordedAt: now },
    m,
  );
}
