import argon2 from 'argon2';
import { loadConfig } from '../../../config/src/index.js';
import {
  hashPassword,
  PASSWORD_HASH_COST,
  passwordHashCost,
  TEST_ONLY_PASSWORD_HASH_COST,
} from './password-hashing.js';

const PASSWORD = 'plum kettle orbit';

describe('password hashing cost', () => {
  it('given no config (the scripts) or any config but a test one, then it is argon2id at 64 MiB, 3 passes, 4 lanes', async () => {
    const production = loadConfig({
      NODE_ENV: 'production',
      SMTP_URL: 'smtp://127.0.0.1:25',
      PUBLIC_BASE_URL: 'https://returns.example.org',
      MAIL_FROM: 'Partner Returns <returns@kent.gov.uk>',
      SESSION_SECRET: 'f3a9c07d5e1b6482a0cd97e3b15f6a28c4d1',
      TOKEN_PEPPER: '8b2e61f0d94c37a5e0b7c2d9f4a1836e5b0c',
    });
    for (const config of [undefined, loadConfig({}), loadConfig({ NODE_ENV: 'test' }), production]) {
      expect(passwordHashCost(config)).toEqual({ memoryCost: 65_536, timeCost: 3, parallelism: 4 });
    }
    const hash = await hashPassword(PASSWORD, passwordHashCost(production));
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=65536,p=4,t=3\$/);
    // No weaker than the library's own defaults, whatever they become.
    expect(argon2.needsRehash(hash)).toBe(false);
    expect(await argon2.verify(hash, PASSWORD)).toBe(true);
  });

  it('given NODE_ENV=test and PASSWORD_HASHING=test-only-fast, then the least cost, still argon2id and still verified', async () => {
    const cost = passwordHashCost(loadConfig({ NODE_ENV: 'test', PASSWORD_HASHING: 'test-only-fast' }));
    expect(cost).toEqual(TEST_ONLY_PASSWORD_HASH_COST);
    const hash = await hashPassword(PASSWORD, cost);
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=1024,p=1,t=1\$/);
    expect(await argon2.verify(hash, PASSWORD)).toBe(true);
    expect(await argon2.verify(hash, 'not the password')).toBe(false);
    expect(PASSWORD_HASH_COST).not.toEqual(TEST_ONLY_PASSWORD_HASH_COST);
  });

  it('given PASSWORD_HASHING=test-only-fast outside NODE_ENV=test, or another value, then the config is refused', () => {
    for (const NODE_ENV of ['development', 'production']) {
      expect(() => loadConfig({ NODE_ENV, PASSWORD_HASHING: 'test-only-fast' })).toThrow(
        /PASSWORD_HASHING=test-only-fast is taken only with NODE_ENV=test/,
      );
    }
    expect(() => loadConfig({ PASSWORD_HASHING: 'fast' })).toThrow(
      /PASSWORD_HASHING must be production or test-only-fast/,
    );
  });
});
