import { Controller, Get, INestApplication, Module, NotFoundException, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { request as httpRequest } from 'node:http';
import { AddressInfo } from 'node:net';
import { ProblemDetailsFilter } from './problem-details.filter.js';

const TOKEN = 'Tk9_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789-ab';

@Controller('l')
class LinkHttp {
  @Get(':token')
  landing(@Param('token') _token: string): never {
    throw new NotFoundException('No such link');
  }
}

@Module({ controllers: [LinkHttp] })
class LinkModule {}

describe('ProblemDetailsFilter names the address without a token', () => {
  let app: INestApplication;
  let port: number;

  beforeAll(async () => {
    app = await NestFactory.create(LinkModule, { logger: false });
    app.useGlobalFilters(new ProblemDetailsFilter());
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
  });

  afterAll(() => app.close());

  /** The path exactly as written: no URL parser between it and the server. */
  const get = (path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, path, headers: { accept: 'application/json' } },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (piece: string) => (body += piece));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });

  it.each([
    [`/l/${TOKEN}`, '/l/[token]'],
    [`/L/${TOKEN}/`, '/L/[token]'],
    [`//l/${TOKEN}`, '//l/[token]'],
    [`/./l/${TOKEN}?x=1`, '/./l/[token]'],
    [`/l%2F${TOKEN}`, '/l/[token]'],
    [`/l;x/${TOKEN}`, '/l;x/[token]'],
  ])('answers GET %s naming %s', async (path, instance) => {
    const answer = await get(path);
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain(TOKEN);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 404, instance });
  });

  it('keeps the detail of a route not found, the address in it without its token', async () => {
    expect(JSON.parse((await get(`//l/${TOKEN}?a=b`)).body).detail).toBe('Cannot GET //l/[token]');
    expect(JSON.parse((await get('/nowhere')).body).detail).toBe('Cannot GET /nowhere');
  });
});
