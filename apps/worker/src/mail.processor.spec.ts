import 'reflect-metadata';
import { loadConfig } from '../../../libs/config/src/index.js';
import { mailProcessorFor } from './mail.processor.js';

// What @nestjs/bullmq reads the Worker's options from when it starts the processor.
const WORKER_OPTIONS = 'bullmq:worker_metadata';

describe('mailProcessorFor', () => {
  it('runs as many mail jobs at once as MAIL_CONCURRENCY says (8 when unset)', () => {
    const options = (env: Record<string, string>) =>
      Reflect.getMetadata(WORKER_OPTIONS, mailProcessorFor(loadConfig(env))) as { concurrency: number };
    expect(options({}).concurrency).toBe(8);
    expect(options({ MAIL_CONCURRENCY: '3' }).concurrency).toBe(3);
    expect(options({ MAIL_CONCURRENCY: '24', MAIL_RATE_PER_MINUTE: '600' })).toMatchObject({
      concurrency: 24,
      limiter: { max: 600, duration: 60_000 },
    });
  });
});
