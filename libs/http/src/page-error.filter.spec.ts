import { NotFoundException } from '@nestjs/common';
import { DomainError } from '../../kernel/src/index.js';
import { errorPageFor } from './page-error.filter.js';

describe('errorPageFor: what a person reads when a page goes wrong', () => {
  it('says sorry for our own faults, without their details', () => {
    const page = errorPageFor(new Error('connection terminated: password=hunter2'));
    expect(page.status).toBe(500);
    expect(page.title).toBe('Sorry, there is a problem with the service');
    expect(page.paragraphs.join(' ')).not.toContain('hunter2');
  });

  it('says an address was not found, with the way back to the start page', () => {
    expect(errorPageFor(new NotFoundException())).toMatchObject({
      status: 404,
      title: 'Page not found',
      next: { href: '/' },
    });
  });

  it('offers a new link for every link that no longer works', () => {
    for (const code of ['link-expired', 'link-revoked', 'link-used', 'link-lapsed']) {
      const page = errorPageFor(new DomainError(code, 'gone', 'gone'));
      expect([code, page.status, page.next]).toEqual([
        code,
        410,
        { href: '/link/new', text: 'Get a new link' },
      ]);
    }
  });
});
