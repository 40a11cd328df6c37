import { Logger } from '@nestjs/common';
import { JobFailures } from './job-failures.js';

describe('JobFailures', () => {
  const job = (attemptsMade: number) => ({
    name: 'submission-link-mail',
    id: 'link-1',
    attemptsMade,
    opts: { attempts: 8 },
  });
  const pepper = new Error('TOKEN_PEPPER does not make the token link-1 was issued with');

  it('tells each failed attempt as a warning with its reason, once a minute for the same reason', () => {
    const lines: string[] = [];
    const logger = { warn: (line: string) => lines.push(line) } as unknown as Logger;
    let now = 0;
    const failures = new JobFailures(logger, () => now);
    failures.note(job(0), pepper);
    failures.note(job(1), pepper);
    failures.note({ ...job(0), name: 'chase-mail' }, new Error('SMTP 421'));
    now = 61_000;
    failures.note(job(7), pepper);
    expect(lines).toEqual([
      'submission-link-mail job link-1 failed, attempt 1 of 8, will retry: TOKEN_PEPPER does not make the token link-1 was issued with',
      'chase-mail job link-1 failed, attempt 1 of 8, will retry: SMTP 421',
      'submission-link-mail job link-1 failed, attempt 8 of 8: TOKEN_PEPPER does not make the token link-1 was issued with (and 1 more attempts for the same reason since the last line)',
    ]);
  });
});
