import { EntityManager, IsNull } from 'typeorm';
import { ApiToken } from './api-token.entity.js';

/**
 * Revokes every live API token of an account, in the caller's transaction: an account disabled, or its password
 * reset or changed, keeps no way in that was made before. Returns how many were revoked.
 */
export async function revokeAccountTokens(m: EntityManager, staffId: string, at: Date): Promise<number> {
  const revoked = await m.update(ApiToken, { staffId, revokedAt: IsNull() }, { revokedAt: at });
  return revoked.affected ?? 0;
}
