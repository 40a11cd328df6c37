/**
 * What a staff password must be: long enough to resist guessing (NCSC: length over complexity), and not one
 * of the passwords tried first in every attack. Pure, so the pages and the API give the same answer.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;

/** A small list of the most used passwords of 12 characters or more (compared in lower case, spaces removed). */
const COMMON_PASSWORDS = new Set([
  'password1234',
  'password12345',
  'password123456',
  'passwordpassword',
  'qwertyuiop12',
  'qwertyuiopasdfgh',
  '123456789012',
  '1234567890123',
  '12345678901234',
  '111111111111',
  '000000000000',
  'iloveyou1234',
  'welcome12345',
  'letmein12345',
  'changeme1234',
  'administrator',
  'qwerty123456',
  '1q2w3e4r5t6y',
  'abcdefghijkl',
  'abc123abc123',
  'sevenoaks123',
]);

/** Why a password will not do, in words for the person choosing it; null when it will. */
export function passwordProblem(
  password: string,
  account?: { email?: string; name?: string },
): string | null {
  if (password.length < PASSWORD_MIN_LENGTH)
    return `Enter a password of at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH)
    return `Enter a password of ${PASSWORD_MAX_LENGTH} characters or fewer`;
  const plain = password.toLowerCase().replace(/\s+/g, '');
  if (COMMON_PASSWORDS.has(plain) || new Set(plain).size < 3)
    return 'That password is too common: choose one that would be hard to guess, such as three random words';
  const email = account?.email?.toLowerCase();
  if (email && (plain === email.replace(/\s+/g, '') || plain === email.split('@')[0]))
    return 'Your password must not be your email address';
  return null;
}
