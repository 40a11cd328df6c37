import { passwordProblem } from './password-rules.js';
import { judgeToken, tokenExpiry } from './password-token.js';

describe('password rules', () => {
  it('given a password of 11 characters, then it is too short', () => {
    expect(passwordProblem('abcdefghij1')).toBe('Enter a password of at least 12 characters');
  });
  it('given twelve characters of three random words, then it will do', () => {
    expect(passwordProblem('tin cup rain')).toBeNull();
  });
  it('given a common password in any case or spacing, then it is refused as common', () => {
    expect(passwordProblem('Password 1234')).toMatch(/too common/);
    expect(passwordProblem('QWERTY 123456')).toMatch(/too common/);
  });
  it('given one character repeated, then it is refused as common', () => {
    expect(passwordProblem('aaaaaaaaaaaaaaab')).toMatch(/too common/);
  });
  it('given the account email as the password, then it is refused', () => {
    expect(passwordProblem('sam.reviewer@x.org', { email: 'Sam.Reviewer@x.org' })).toMatch(/email/);
  });
  it('given more than 200 characters, then it is too long', () => {
    expect(passwordProblem('abc '.repeat(60))).toMatch(/200 characters or fewer/);
  });
});

describe('password tokens', () => {
  const issued = new Date('2026-12-03T10:00:00Z');
  const reset = {
    purpose: 'reset' as const,
    expiresAt: tokenExpiry('reset', issued),
    usedAt: null,
    accountDisabled: false,
  };

  it('given a reset token, when used within the hour, then it is usable', () => {
    expect(judgeToken(reset, new Date('2026-12-03T10:59:59Z'))).toBe('usable');
  });
  it('given a reset token, when an hour has passed, then it has expired', () => {
    expect(judgeToken(reset, new Date('2026-12-03T11:00:00Z'))).toBe('expired');
  });
  it('given an invitation, then it lasts a week', () => {
    expect(tokenExpiry('invite', issued).toISOString()).toBe('2026-12-10T10:00:00.000Z');
  });
  it('given a token already used, then it never works again, even before it expires', () => {
    expect(judgeToken({ ...reset, usedAt: issued }, issued)).toBe('used');
  });
  it('given no token, or one of a deactivated account, then it is unknown', () => {
    expect(judgeToken(null, issued)).toBe('unknown');
    expect(judgeToken({ ...reset, accountDisabled: true }, issued)).toBe('unknown');
  });
});
