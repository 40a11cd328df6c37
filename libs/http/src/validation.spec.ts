import { BadRequestException } from '@nestjs/common';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { IsCalendarDate, NestedObject, NestedObjects, Optional } from './fields.js';
import { problemValidationPipe } from './validation.js';

class SectionDto {
  @IsString() heading: string;
}

class BodyDto {
  @Optional() @IsString() id?: string;
  @Optional() @IsString() @MaxLength(10) narrative?: string;
  @Optional({ nullable: true }) @IsIn(['red', 'green']) rag?: string | null;
  @Optional() @IsCalendarDate() dueDate?: string;
  @Optional() @NestedObject(() => SectionDto) section?: SectionDto;
  @Optional() @NestedObjects(() => SectionDto) sections?: SectionDto[];
}

/** The 400 problem's field-level errors for this body, or [] when it passes. */
async function errorsFor(body: unknown, type: 'body' | 'param' = 'body', data?: string) {
  try {
    await problemValidationPipe().transform(body, { type, metatype: BodyDto, data });
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return ((error as BadRequestException).getResponse() as { errors: { field: string; rule: string }[] })
      .errors;
  }
}

describe('problemValidationPipe', () => {
  it('takes a field left out, and null where the field says nullable', async () => {
    expect(await errorsFor({})).toEqual([]);
    expect(await errorsFor({ rag: null, sections: [{ heading: 'The start' }] })).toEqual([]);
  });

  // Issue 10: `"cycleId": null` passed @IsOptional and wrote stream `cycle:null`.
  it('refuses null for an optional field that is not nullable', async () => {
    expect(await errorsFor({ id: null })).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'id', rule: 'isDefined' })]),
    );
  });

  // Issue 10: `caseStudies: [[]]` was accepted and broke the report.
  it.each<[string, unknown, string]>([
    ['a list in a list of objects', { sections: [[]] }, 'sections[0]'],
    ['null in a list of objects', { sections: [{ heading: 'a' }, null] }, 'sections[1]'],
    ['text in a list of objects', { sections: ['x'] }, 'sections[0]'],
    ['a list where one object belongs', { section: [] }, 'section'],
  ])('refuses %s, naming the item', async (_what, body, field) => {
    const errors = await errorsFor(body);
    expect(errors).toEqual([{ field, rule: 'isObject', message: `${field} must be an object` }]);
  });

  it('names only the kind a value of the wrong kind should be, not the length it breaks with it', async () => {
    for (const narrative of [123, ['a'], { a: 1 }]) {
      expect(await errorsFor({ narrative })).toEqual([
        { field: 'narrative', rule: 'isString', message: 'narrative must be a string' },
      ]);
    }
    expect(await errorsFor({ id: null })).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'id', rule: 'isDefined' })]),
    );
    // Null is given, not left out: it is told it should not be null, not how long it may be.
    expect(await errorsFor({ narrative: null })).toEqual([
      expect.objectContaining({ field: 'narrative', rule: 'isDefined' }),
      expect.objectContaining({ field: 'narrative', rule: 'isString' }),
    ]);
    expect(await errorsFor({ narrative: 'x'.repeat(11) })).toEqual([
      expect.objectContaining({ field: 'narrative', rule: 'maxLength' }),
    ]);
  });

  it.each(['0000-01-01', '9999-12-31', '2021-02-29', '2020-04-30T00:00:00Z', '20200430'])(
    'refuses the due date %s',
    async (dueDate) => {
      expect(await errorsFor({ dueDate })).toEqual([expect.objectContaining({ field: 'dueDate' })]);
    },
  );

  it('refuses a path parameter holding a NUL, by its name', async () => {
    expect(await errorsFor('y1\u0000', 'param', 'cycleId')).toEqual([
      expect.objectContaining({ field: 'cycleId', rule: 'nul' }),
    ]);
  });
});
