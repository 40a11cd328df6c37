import { Controller, Get, INestApplication, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { DOMAIN_ERROR_KINDS, DomainError, DomainErrorKind } from '../../kernel/src/index.js';
import { STATUS_OF_KIND, statusOf } from './domain-error-status.js';
import { errorPageFor } from './page-error.filter.js';
import { ProblemDetailsFilter } from './problem-details.filter.js';

/** The statuses the API answered before the rules stopped naming them (issue 11): none may change. */
const ANSWERED: Record<DomainErrorKind, number> = {
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  gone: 410,
  unprocessable: 422,
  'too-many': 429,
};

@Controller('refuse')
class RefusingHttp {
  @Get(':kind')
  refuse(@Param('kind') kind: DomainErrorKind): never {
    throw new DomainError('some-rule', 'The rule says no', kind, 'label', { retryAfter: 7 });
  }
}

@Module({ controllers: [RefusingHttp] })
class RefusingModule {}

describe('the HTTP status of a domain error is decided at the edge, once', () => {
  it('gives every kind of refusal the status the API has always answered it with', () => {
    expect(STATUS_OF_KIND).toEqual(ANSWERED);
    for (const kind of DOMAIN_ERROR_KINDS)
      expect(statusOf(new DomainError('x', 'x', kind))).toBe(ANSWERED[kind]);
  });

  it('answers a refusal built without a kind as a conflict (409), as before', () => {
    expect(statusOf(new DomainError('x', 'x'))).toBe(409);
  });

  it('shows the same status on the error page', () => {
    for (const kind of DOMAIN_ERROR_KINDS) {
      expect(errorPageFor(new DomainError('some-rule', 'No', kind)).status).toBe(ANSWERED[kind]);
    }
  });

  describe('through the problem+json filter of a real app', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await NestFactory.create(RefusingModule, { logger: false });
      app.useGlobalFilters(new ProblemDetailsFilter());
      await app.init();
    });

    afterAll(() => app.close());

    it.each(DOMAIN_ERROR_KINDS.map((kind) => [kind, ANSWERED[kind]] as const))(
      'answers %s with %d, the code, the field and the details',
      async (kind, status) => {
        const res = await request(app.getHttpServer()).get(`/refuse/${kind}`);
        expect(res.status).toBe(status);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(JSON.parse(res.text)).toEqual({
          type: 'https://partner-returns.dev/problems/some-rule',
          title: 'The rule says no',
          status,
          code: 'some-rule',
          retryAfter: 7,
          errors: [{ field: 'label', rule: 'some-rule', message: 'The rule says no' }],
          instance: `/refuse/${kind}`,
        });
        expect(res.headers['retry-after']).toBe('7');
      },
    );
  });
});
