import { ThrottleRule } from './attempt-throttle.js';

const minutes = (n: number) => `${n} minute${n === 1 ? '' : 's'}`;

/** Submission links: a token is 256 bits, but every lookup costs the database, so wrong ones are limited. */
export const LINK_FAILURES_ALLOWED = 10;
export const LINK_WINDOW_MINUTES = 15;
export const LINK_LOOKUPS_IN_FLIGHT = 5;

export function linkRules(address: string): ThrottleRule[] {
  return [
    {
      kind: 'link-address',
      subject: address,
      failures: LINK_FAILURES_ALLOWED,
      windowMinutes: LINK_WINDOW_MINUTES,
      inFlight: LINK_LOOKUPS_IN_FLIGHT,
      refusal: (left) =>
        left === null
          ? 'Too many links are being tried from your address at once. Try again in a moment.'
          : `Too many links that did not work from your address. Try again in ${minutes(left)}.`,
    },
  ];
}

/**
 * Staff sign-in: per address (an office shares one, so it allows more) and per account (guessing one password
 * from many addresses). Each attempt costs an argon2 verification, so few may run at once.
 */
export const SIGN_IN_ADDRESS_FAILURES_ALLOWED = 30;
export const SIGN_IN_ACCOUNT_FAILURES_ALLOWED = 10;
export const SIGN_IN_WINDOW_MINUTES = 15;
export const SIGN_IN_ADDRESS_IN_FLIGHT = 4;
export const SIGN_IN_ACCOUNT_IN_FLIGHT = 2;

const atOnce = 'Too many sign-ins are being tried at once. Try again in a moment.';

export function signInAddressRule(address: string): ThrottleRule {
  return {
    kind: 'sign-in-address',
    subject: address,
    failures: SIGN_IN_ADDRESS_FAILURES_ALLOWED,
    windowMinutes: SIGN_IN_WINDOW_MINUTES,
    inFlight: SIGN_IN_ADDRESS_IN_FLIGHT,
    refusal: (left) =>
      left === null ? atOnce : `Too many failed sign-ins from your address. Try again in ${minutes(left)}.`,
  };
}

/** Counted for any email typed, known or not, so a refusal says nothing about which accounts exist. */
export function signInAccountRule(email: string): ThrottleRule {
  return {
    kind: 'sign-in-account',
    subject: email.trim().toLowerCase(),
    failures: SIGN_IN_ACCOUNT_FAILURES_ALLOWED,
    windowMinutes: SIGN_IN_WINDOW_MINUTES,
    inFlight: SIGN_IN_ACCOUNT_IN_FLIGHT,
    refusal: (left) =>
      left === null ? atOnce : `Too many failed sign-ins to this account. Try again in ${minutes(left)}.`,
  };
}

/**
 * "Send me a new link": each request sends a mail, so they are few per address typed (a stranger cannot flood a
 * lead's inbox) and per client address (nor try many addresses). Every request counts, found or not.
 */
export const NEW_LINK_EMAIL_REQUESTS_ALLOWED = 3;
export const NEW_LINK_ADDRESS_REQUESTS_ALLOWED = 10;
export const NEW_LINK_WINDOW_MINUTES = 60;

export function newLinkRules(email: string, address: string): ThrottleRule[] {
  const refusal = (left: number | null) =>
    left === null
      ? 'Too many requests for a new link at once. Try again in a moment.'
      : `Too many requests for a new link. Try again in ${minutes(left)}.`;
  return [
    {
      kind: 'new-link-email',
      subject: email,
      failures: NEW_LINK_EMAIL_REQUESTS_ALLOWED,
      windowMinutes: NEW_LINK_WINDOW_MINUTES,
      inFlight: 1,
      refusal,
    },
    {
      kind: 'new-link-address',
      subject: address,
      failures: NEW_LINK_ADDRESS_REQUESTS_ALLOWED,
      windowMinutes: NEW_LINK_WINDOW_MINUTES,
      inFlight: 2,
      refusal,
    },
  ];
}

/**
 * Forgotten-password mails: a few per email an hour (so nobody can flood a colleague's inbox) and more per
 * address (an office shares one). Every request counts, whether the email is known or not.
 */
export const RESET_REQUESTS_PER_EMAIL = 3;
export const RESET_REQUESTS_PER_ADDRESS = 20;
export const RESET_WINDOW_MINUTES = 60;

export function resetRequestRules(email: string, address: string): ThrottleRule[] {
  const refusal = (left: number | null) =>
    left === null
      ? 'Too many requests are being made at once. Try again in a moment.'
      : `Too many password reset requests. Try again in ${minutes(left)}.`;
  return [
    {
      kind: 'reset-address',
      subject: address,
      failures: RESET_REQUESTS_PER_ADDRESS,
      windowMinutes: RESET_WINDOW_MINUTES,
      inFlight: 4,
      refusal,
    },
    {
      kind: 'reset-email',
      subject: email.trim().toLowerCase(),
      failures: RESET_REQUESTS_PER_EMAIL,
      windowMinutes: RESET_WINDOW_MINUTES,
      inFlight: 2,
      refusal,
    },
  ];
}

/** Set-password tokens are 256 bits, but wrong ones from one address are limited as links are. */
export function passwordTokenRule(address: string): ThrottleRule {
  return {
    kind: 'password-token-address',
    subject: address,
    failures: LINK_FAILURES_ALLOWED,
    windowMinutes: LINK_WINDOW_MINUTES,
    inFlight: LINK_LOOKUPS_IN_FLIGHT,
    refusal: (left) =>
      left === null
        ? 'Too many links are being tried from your address at once. Try again in a moment.'
        : `Too many links that did not work from your address. Try again in ${minutes(left)}.`,
  };
}
