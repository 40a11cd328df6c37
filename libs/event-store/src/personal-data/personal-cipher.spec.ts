import { randomBytes } from 'node:crypto';
import { ERASED, openText, sealText } from './personal-cipher.js';

describe('personal cipher', () => {
  const person = '6f1c1b5e-8a55-4c1e-9d59-3a3f8f4c2b10';

  it('opens what it sealed, and a key read again with the same bytes opens it too', () => {
    const key = randomBytes(32);
    const sealed = sealText(person, key, 'Ann Example');
    expect(openText(sealed, key)).toBe('Ann Example');
    expect(openText(sealed, Buffer.from(key))).toBe('Ann Example');
  });

  // The KeyObjects kept per person must never stand in for a key that has since changed or gone.
  it('refuses a value under any other key for the same person, however recently the first was used', () => {
    const first = randomBytes(32);
    const sealed = sealText(person, first, 'Ann Example');
    expect(openText(sealed, first)).toBe('Ann Example');
    expect(() => openText(sealed, randomBytes(32))).toThrow();
    expect(openText(sealed, null)).toBe(ERASED);
    expect(openText(sealed, first)).toBe('Ann Example');
  });

  it('refuses a value moved to another person', () => {
    const key = randomBytes(32);
    const sealed = sealText(person, key, 'Ann Example');
    expect(() => openText({ ...sealed, pii: '0b0c1d2e-3f40-4152-8364-758697a8b9ca' }, key)).toThrow();
  });

  // An empty text seals to the IV and the tag alone; cut into the tag, GCM checked only what was left of it.
  it('refuses a value whose tag is cut short', () => {
    const key = randomBytes(32);
    const sealed = sealText(person, key, '');
    const cut = Buffer.from(sealed.v, 'base64')
      .subarray(0, 12 + 8)
      .toString('base64');
    expect(openText(sealed, key)).toBe('');
    expect(() => openText({ ...sealed, v: cut }, key)).toThrow();
  });

  it('gives every seal its own IV, across refills of the random block', () => {
    const key = randomBytes(32);
    const ivs = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      ivs.add(
        Buffer.from(sealText(person, key, 'x').v, 'base64')
          .subarray(0, 12)
          .toString('hex'),
      );
    }
    expect(ivs.size).toBe(3000);
  });
});
