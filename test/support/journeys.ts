import { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { AuthService, SESSION_COOKIE } from '../../libs/auth/src/index.js';
import { WIDE } from './browser.js';
import { PASSWORD, Product } from './product.js';

/**
 * A page signed in as a staff member, opened at `path`, for tests about what comes after signing in. The session
 * is made by AuthService.signIn, the password checked as the sign-in form checks it, and set as the form's
 * cookie would be: the sign-in page's load, typing and redirect cost a page's worth of time in every such test.
 * Signing in through the page itself is tested in staff-journey and sign-in-and-approve.
 */
export async function staffPage(
  browser: Browser,
  product: Product,
  email: string,
  path: string,
  options: BrowserContextOptions = {},
): Promise<Page> {
  const signedIn = await product.api.get(AuthService).signIn(email, PASSWORD);
  if (!signedIn) throw new Error(`${email} cannot sign in with the test password`);
  const context = await browser.newContext({ viewport: WIDE, ...options });
  await context.addCookies([{ name: SESSION_COOKIE, value: signedIn.sessionId, url: product.baseUrl }]);
  const page = await context.newPage();
  await page.goto(`${product.baseUrl}${path}`);
  return page;
}

/**
 * A page signed in through the sign-in page itself, as a person does, in a context of its own; resolves once
 * the form's redirect has reached `lands` (a glob), the start page of that person's role.
 */
export async function signInThroughForm(
  browser: Browser,
  product: Product,
  email: string,
  lands: string,
  options: BrowserContextOptions = {},
): Promise<Page> {
  const context = await browser.newContext({ viewport: WIDE, ...options });
  const page = await context.newPage();
  await page.goto(`${product.baseUrl}/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(lands);
  return page;
}
