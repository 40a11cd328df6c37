import { dateInputItems, dateParts, parseDateInput, postedDateParts, todayInLondon } from './date-input.js';

describe('parseDateInput: the three boxes of a GOV.UK date input', () => {
  it('given a real date, when parsed, then it is a calendar date', () => {
    expect(parseDateInput({ day: '23', month: '12', year: '2026' }, 'Due date')).toEqual({
      ok: true,
      date: '2026-12-23',
    });
  });

  it('given single digits, spaces and a month name, when parsed, then it is padded', () => {
    expect(parseDateInput({ day: ' 3 ', month: 'Feb', year: '2027' }, 'Due date')).toEqual({
      ok: true,
      date: '2027-02-03',
    });
    expect(parseDateInput({ day: '1', month: 'april', year: '2019' }, 'Period starts')).toEqual({
      ok: true,
      date: '2019-04-01',
    });
  });

  it('given nothing, when parsed, then it asks for the date', () => {
    expect(parseDateInput({}, 'Due date')).toEqual({
      ok: false,
      message: 'Enter the due date',
      parts: ['day', 'month', 'year'],
    });
  });

  it('given a missing month, when parsed, then it says the month is missing', () => {
    expect(parseDateInput({ day: '23', month: '', year: '2026' }, 'Due date')).toEqual({
      ok: false,
      message: 'Due date must include a month',
      parts: ['month'],
    });
  });

  it('given a missing day and year, when parsed, then it names both', () => {
    expect(parseDateInput({ month: '12' }, 'Due date')).toEqual({
      ok: false,
      message: 'Due date must include a day and a year',
      parts: ['day', 'year'],
    });
  });

  it.each([
    [{ day: '31', month: '4', year: '2027' }, ['day']],
    [{ day: '29', month: '2', year: '2027' }, ['day']],
    [{ day: '12', month: '13', year: '2027' }, ['month']],
    [{ day: 'x', month: 'y', year: '2027' }, ['day', 'month']],
    [{ day: '0', month: '1', year: '2027' }, ['day']],
  ])('given %j, when parsed, then it must be a real date', (parts, wrong) => {
    expect(parseDateInput(parts, 'Due date')).toEqual({
      ok: false,
      message: 'Due date must be a real date',
      parts: wrong,
    });
  });

  it('given 29 February in a leap year, when parsed, then it is real', () => {
    expect(parseDateInput({ day: '29', month: '2', year: '2028' }, 'Due date')).toEqual({
      ok: true,
      date: '2028-02-29',
    });
  });

  it('given a two-digit year, when parsed, then it asks for 4 numbers', () => {
    expect(parseDateInput({ day: '1', month: '1', year: '27' }, 'Due date')).toEqual({
      ok: false,
      message: 'Year must include 4 numbers',
      parts: ['year'],
    });
  });

  it('given a stored date, when shown again, then the boxes hold it without leading zeros', () => {
    expect(dateParts('2026-04-01')).toEqual({ day: '1', month: '4', year: '2026' });
    expect(dateParts(null)).toEqual({});
  });
});

describe('the date question on a page', () => {
  it('reads the three boxes a form posted, and shows them again with the wrong ones red', () => {
    const parts = postedDateParts(
      { 'dueDate-day': '31', 'dueDate-month': '4', 'dueDate-year': '2027' },
      'dueDate',
    );
    expect(parts).toEqual({ day: '31', month: '4', year: '2027' });
    expect(dateInputItems(parts, ['day'])).toEqual([
      { name: 'day', value: '31', classes: 'govuk-input--width-2 govuk-input--error' },
      { name: 'month', value: '4', classes: 'govuk-input--width-2' },
      { name: 'year', value: '2027', classes: 'govuk-input--width-4' },
    ]);
  });

  it('takes today in London, not UTC: just after midnight in British Summer Time it is already the next day', () => {
    expect(todayInLondon(new Date('2026-06-30T23:30:00Z'))).toBe('2026-07-01');
    expect(todayInLondon(new Date('2026-12-31T23:30:00Z'))).toBe('2026-12-31');
  });
});
