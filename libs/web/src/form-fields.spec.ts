import { formList, formPageVersion, formText, singleValues } from './form-fields.js';

describe('form fields: read as the page means them, however they were posted', () => {
  it('formText takes a field once: the first value of a list, "" when missing or not text', () => {
    expect(formText('a')).toBe('a');
    expect(formText(['a', 'b'])).toBe('a');
    expect(formText(undefined)).toBe('');
    expect(formText([])).toBe('');
    expect(formText({ a: '1' })).toBe('');
  });

  it('formList takes every text value of a checkbox field, in order', () => {
    expect(formList(['a', 'b'])).toEqual(['a', 'b']);
    expect(formList('a')).toEqual(['a']);
    expect(formList(undefined)).toEqual([]);
    expect(formList(['a', { b: 1 }])).toEqual(['a']);
  });

  it('formPageVersion reads a version posted twice from its first value, never as NaN', () => {
    expect(formPageVersion('7')).toBe(7);
    expect(formPageVersion(['7', '8'])).toBe(7);
    expect(formPageVersion(undefined)).toBeUndefined();
    expect(formPageVersion('')).toBeUndefined();
  });

  it.each([['abc'], ['1e400'], ['-1'], ['1234567890'], [' 3'], [['x', '8']], [{ a: '1' }], [[]]])(
    'formPageVersion refuses %p naming the version field, rather than skip the stale check',
    (value) => {
      expect(() => formPageVersion(value)).toThrow(
        expect.objectContaining({
          response: expect.objectContaining({
            status: 400,
            errors: [expect.objectContaining({ field: 'version' })],
          }),
        }),
      );
    },
  );

  it('singleValues keeps each text field once and leaves out the rest', () => {
    expect(singleValues({ a: ['1', '2'], b: '3', c: undefined, d: [] })).toEqual({ a: '1', b: '3' });
    expect(singleValues(undefined)).toEqual({});
  });
});
