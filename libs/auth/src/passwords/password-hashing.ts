import argon2 from 'argon2';
import type { AppConfig } from '../../../config/src/index.js';

export interface PasswordHashCost {
  /** KiB of memory each hash fills. */
  memoryCost: number;
  /** Passes over that memory. */
  timeCost: number;
  /** Lanes (threads) it is computed in. */
  parallelism: number;
}

/**
 * argon2id as every deployment hashes passwords: argon2's own defaults (64 MiB, 3 passes, 4 lanes), written out
 * so that a new version of the library cannot lower them unseen (a test holds them, and the production install
 * test reads them back from the hash it stores).
 */
export const PASSWORD_HASH_COST: Readonly<PasswordHashCost> = {
  memoryCost: 65_536,
  timeCost: 3,
  parallelism: 4,
};

/**
 * The least argon2id takes, for tests only: the config refuses it unless NODE_ENV=test. Each test file makes six
 * staff accounts and signs some of them in; at the production cost that alone was over a CPU-second a file.
 */
export const TEST_ONLY_PASSWORD_HASH_COST: Readonly<PasswordHashCost> = {
  memoryCost: 1024,
  timeCost: 1,
  parallelism: 1,
};

/** The cost a config asks for (none given, as in the scripts that make accounts: the production one). */
export function passwordHashCost(config?: Pick<AppConfig, 'passwordHashing'>): PasswordHashCost {
  return config?.passwordHashing === 'test-only-fast' ? TEST_ONLY_PASSWORD_HASH_COST : PASSWORD_HASH_COST;
}

/** An argon2id hash of the password at that cost (verifying reads the cost back from the hash). */
export function hashPassword(password: string, cost: PasswordHashCost): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id, ...cost });
}
