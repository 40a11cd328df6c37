import { BadRequestException } from '@nestjs/common';
import type { Request } from 'express';
import { findHostileInput, MAX_BODY_DEPTH, refuseDeepJson, rejectHostileInput } from './hostile-input.js';

/** JSON nested `depth` lists deep, as JSON.parse would hand it over (built without recursion). */
function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe('findHostileInput', () => {
  it('passes what real requests hold: text with newlines and emoji, numbers, tables, nulls', () => {
    const body = {
      narrative: 'Line one\r\n- a bullet\tand a tab 👍 “quotes”',
      rag: null,
      tables: [{ caption: 'NEET', header: ['District'], rows: [['Sevenoaks']] }],
      chasePolicy: { remindWorkingDaysBefore: [10, 3], sendWindow: { from: '09:00' } },
    };
    expect(findHostileInput(body, '')).toBeNull();
    expect(findHostileInput(nested(MAX_BODY_DEPTH - 1), 'label')).toBeNull();
  });

  it.each<[string, unknown, string, string]>([
    ['a NUL in a field', { label: 'a\u0000b' }, 'label', 'nul'],
    ['a NUL deep in a table', { tables: [{ rows: [['ok', '\u0000']] }] }, 'tables[0].rows[0][1]', 'nul'],
    ['a lone high surrogate', { narrative: 'x\ud800' }, 'narrative', 'lone-surrogate'],
    [
      'a lone low surrogate',
      { caseStudies: [{ title: '\udc00y' }] },
      'caseStudies[0].title',
      'lone-surrogate',
    ],
    ['surrogates in the wrong order', { comments: '\udc00\ud800' }, 'comments', 'lone-surrogate'],
    [
      'JSON nested 5,000 deep',
      { label: nested(5000) },
      `label${'[0]'.repeat(MAX_BODY_DEPTH - 1)}`,
      'max-depth',
    ],
    [
      'Infinity from 1e400',
      { overdueEveryWorkingDays: Infinity },
      'overdueEveryWorkingDays',
      'finite-number',
    ],
    [
      'a key that names the prototype',
      JSON.parse('{"__proto__": {"admin": true}}'),
      '__proto__',
      'reserved-key',
    ],
    ['a NUL in a key', { 'ra\u0000g': 'red' }, 'body', 'nul'],
  ])('finds %s', (_what, value, field, rule) => {
    expect(findHostileInput(value, '')).toEqual(expect.objectContaining({ field, rule }));
  });

  it('refuses an object of more keys than any request has, or a body of too many in all', () => {
    const wide = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 1]));
    expect(findHostileInput(wide(180_000), '')).toEqual(
      expect.objectContaining({ field: 'body', rule: 'max-keys' }),
    );
    expect(findHostileInput({ content: wide(1_001) }, '')).toEqual(
      expect.objectContaining({ field: 'content', rule: 'max-keys' }),
    );
    expect(findHostileInput({ rows: Array.from({ length: 30 }, () => wide(900)) }, '')?.rule).toBe(
      'max-keys',
    );
    expect(findHostileInput(wide(1_000), '')).toBeNull();
  });

  it('walks a list 100,000 deep without overflowing its own stack', () => {
    expect(findHostileInput(nested(100_000), '')?.rule).toBe('max-depth');
  });
});

describe('rejectHostileInput', () => {
  const run = (req: Partial<Request>) => {
    let passed: unknown = 'not called';
    rejectHostileInput({ path: '/cycles', query: {}, ...req } as Request, {} as never, (e?: unknown) => {
      passed = e;
    });
    return passed;
  };
  const problemOf = (e: unknown) =>
    (e as BadRequestException).getResponse() as { status: number; errors: { field: string; rule: string }[] };

  it('lets a clean request through', () => {
    expect(run({ body: { label: 'Year 1' }, query: { asAt: '2020-04-30T12:00:00Z' } })).toBeUndefined();
    expect(run({ url: '/returns?cycleId=y1&q=caf%C3%A9+%25' })).toBeUndefined();
  });

  it.each<[string, Partial<Request>, string, string]>([
    ['a list where the body object belongs', { body: [{}] }, 'body', 'object-body'],
    ['a NUL in the query', { query: { cycleId: 'y1\u0000' } }, 'cycleId', 'nul'],
    ['a %-escape that is not UTF-8 in the path', { path: '/cycles/%ED%A0%80' }, 'path', 'percent-encoding'],
    [
      'a %-escape that is not UTF-8 in the query',
      { url: '/returns?cycleId=%ff' },
      'query',
      'percent-encoding',
    ],
    ['a % that starts no escape in the query', { url: '/returns?q=100%' }, 'query', 'percent-encoding'],
  ])('answers %s with a 400 problem naming it', (_what, req, field, rule) => {
    const error = run(req);
    expect(error).toBeInstanceOf(BadRequestException);
    expect(problemOf(error)).toMatchObject({ status: 400, errors: [{ field, rule }] });
  });
});

describe('refuseDeepJson', () => {
  const catchError = (act: () => void): unknown => {
    try {
      act();
    } catch (error) {
      return error;
    }
    throw new Error('not refused');
  };
  const problemOf = (e: unknown) => (e as BadRequestException).getResponse();
  const check = (json: string) => () => refuseDeepJson(undefined, undefined, Buffer.from(json));

  it('takes bodies as deep as the limit, and brackets inside strings', () => {
    expect(check(`${'['.repeat(MAX_BODY_DEPTH)}${']'.repeat(MAX_BODY_DEPTH)}`)).not.toThrow();
    expect(
      check(JSON.stringify({ narrative: '[[[[[[[[[[[[[[[[[[[[[[[[[ \\" {{{{{{{{{{{{{{{{{{{{{{' })),
    ).not.toThrow();
    expect(check('{"a":[{"b":[]},{"c":{}}],"d":"]]]]"}')).not.toThrow();
  });

  it('names the top-level field that nests too deep', () => {
    const body = `{"label":"x", "a\\"b":[], "tables":${'['.repeat(40)}${']'.repeat(40)}}`;
    expect(problemOf(catchError(check(body)))).toMatchObject({
      errors: [{ field: 'tables', rule: 'max-depth' }],
    });
    expect(problemOf(catchError(check(`[${'['.repeat(40)}${']'.repeat(40)}]`)))).toMatchObject({
      errors: [{ field: 'body', rule: 'max-depth' }],
    });
  });

  it('refuses bytes that are not UTF-8, naming the top-level field they are in', () => {
    const body = (bytes: number[]) =>
      Buffer.concat([Buffer.from('{"label":"ok","narrative":"a'), Buffer.from(bytes), Buffer.from('"}')]);
    const refusal = (raw: Buffer) => problemOf(catchError(() => refuseDeepJson(undefined, undefined, raw)));
    for (const bad of [
      [0xff],
      [0xe9, 0x20],
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xe2, 0x82],
    ]) {
      expect(refusal(body(bad))).toMatchObject({ errors: [{ field: 'narrative', rule: 'invalid-utf8' }] });
    }
    expect(refusal(Buffer.from([0x5b, 0xff, 0x5d]))).toMatchObject({
      errors: [{ field: 'body', rule: 'invalid-utf8' }],
    });
    expect(() => refuseDeepJson(undefined, undefined, body([...Buffer.from('é€😀')]))).not.toThrow();
  });

  it('refuses one level more, and a 2 MB body of brackets, before it is parsed', () => {
    expect(check(`${'{"a":'.repeat(MAX_BODY_DEPTH + 1)}1${'}'.repeat(MAX_BODY_DEPTH + 1)}`)).toThrow(
      BadRequestException,
    );
    const started = Date.now();
    expect(check(`${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`)).toThrow(BadRequestException);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
