import { openSignOn, sealSignOn, SignOnInProgress } from './sign-on-cookie.js';

describe('sign-on cookie', () => {
  const secret = 'a session secret of the test, long enough';
  const now = new Date('2026-12-05T10:00:00Z');
  const inProgress: SignOnInProgress = {
    partnershipId: 'p-1',
    state: 'the-state',
    nonce: 'the-nonce',
    codeVerifier: 'the-verifier',
    expiresAt: now.getTime() + 60_000,
  };
  const cutTag = (sealed: string, bytes: number) => {
    const [iv, tag, body] = sealed.split('.');
    return [iv, Buffer.from(tag, 'base64url').subarray(0, bytes).toString('base64url'), body].join('.');
  };

  it('opens what it sealed until it expires', () => {
    const sealed = sealSignOn(secret, inProgress);
    expect(openSignOn(secret, sealed, now)).toEqual(inProgress);
    expect(openSignOn(secret, sealed, new Date(inProgress.expiresAt))).toBeNull();
  });

  it('refuses one sealed with another secret, or with a byte of its body changed', () => {
    const sealed = sealSignOn(secret, inProgress);
    expect(openSignOn('another secret', sealed, now)).toBeNull();
    const [iv, tag, body] = sealed.split('.');
    const bytes = Buffer.from(body, 'base64url');
    bytes[0] ^= 1;
    expect(openSignOn(secret, [iv, tag, bytes.toString('base64url')].join('.'), now)).toBeNull();
  });

  // GCM checks a tag cut to as little as 4 bytes unless told its length: 2^32 guesses would forge one.
  it.each([4, 8, 12, 15])('refuses its own tag cut to %i bytes', (bytes) => {
    expect(openSignOn(secret, cutTag(sealSignOn(secret, inProgress), bytes), now)).toBeNull();
  });

  it.each([undefined, '', 'a.b', 'a.b.c.d', 42])('refuses %p', (value) => {
    expect(openSignOn(secret, value, now)).toBeNull();
  });
});
