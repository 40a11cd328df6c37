import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { MAX_PASSAGE_LENGTH } from '../../../returns/src/index.js';
import { RedactAppendixPassageDto } from '../redact-appendix-passage/redact-appendix-passage.http.js';
import { RedactPassageDto } from './redact-passage.http.js';

// Both routes' bodies inherit the passage and the reason: each must still refuse what either refused alone.
const bodies = [
  { name: 'a return’s passage', dto: RedactPassageDto, where: { field: 'narrative' } },
  {
    name: 'an appendix’s passage',
    dto: RedactAppendixPassageDto,
    where: { appendixId: 'appendix-a', caseStudyId: 'study-1', part: 'title' },
  },
];

const failing = (dto: new () => object, body: object) =>
  validateSync(plainToInstance(dto, body), { whitelist: true, forbidNonWhitelisted: true }).map((e) => [
    e.property,
    Object.keys(e.constraints ?? {}),
  ]);

describe.each(bodies)('the body to redact $name', ({ dto, where }) => {
  const good = { ...where, passage: 'Jo Bloggs', reason: 'Names a young person' };

  it('accepts a passage and a reason', () => {
    expect(failing(dto, good)).toEqual([]);
  });

  it.each([
    ['passage', 'missing', { passage: undefined }, 'isString'],
    ['passage', 'empty', { passage: '' }, 'isNotEmpty'],
    ['passage', 'one character too long', { passage: 'x'.repeat(MAX_PASSAGE_LENGTH + 1) }, 'maxLength'],
    ['reason', 'missing', { reason: undefined }, 'isString'],
    ['reason', 'empty', { reason: '' }, 'isNotEmpty'],
    ['reason', 'one character too long', { reason: 'x'.repeat(2001) }, 'maxLength'],
  ])('refuses a %s %s, naming it and the rule', (field, _how, change, rule) => {
    expect(failing(dto, { ...good, ...change })).toEqual([[field, expect.arrayContaining([rule])]]);
  });
});
