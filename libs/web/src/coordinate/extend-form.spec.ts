import { dateInputItems } from '../date-input/date-input.js';
import { typedDueDate } from './extend-form.js';

/** The new due date shown to copy with its reason when the extension's form is gone. */
describe('typedDueDate', () => {
  const typed = (day: string, month: string, year: string) =>
    typedDueDate({ items: dateInputItems({ day, month, year }), reason: 'Police figures come late' });

  it('says a date in words, as the page says dates', () => {
    expect(typed('31', '5', '2030')).toBe('31 May 2030');
    expect(typed(' 1 ', 'dec', '2030')).toBe('1 December 2030');
  });

  it('gives what is not a date as it was typed, box by box', () => {
    expect(typed('31', '13', '2030')).toBe('31 13 2030');
    expect(typed('', '5', '2030')).toBe('5 2030');
  });

  it('is empty when nothing was typed', () => {
    expect(typed('', ' ', '')).toBe('');
  });
});
