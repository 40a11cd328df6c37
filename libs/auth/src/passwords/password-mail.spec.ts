import { passwordMail } from './password-mail.js';

describe('the set-password mail', () => {
  it.each(['invite', 'reset'] as const)('%s: its HTML says it is in British English', (purpose) => {
    const { html } = passwordMail({
      to: 'sam@example.org',
      name: 'Sam',
      purpose,
      link: 'http://x/p/t',
      expiresIn: '7 days',
    });
    expect(/<html[^>]*\blang="([^"]*)"/.exec(html)?.[1]).toBe('en-GB');
  });
});
