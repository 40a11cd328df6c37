import { workbookText } from './storable-text.js';

describe('workbookText', () => {
  it.each([
    ['_x003D_HYPERLINK("http://x.example")', '_x005F_x003D_HYPERLINK("http://x.example")'],
    ['a _x0041_ and _x00e9_', 'a _x005F_x0041_ and _x005F_x00e9_'],
    ['__x0041_', '__x005F_x0041_'],
    ['_x005F_', '_x005F_x005F_'],
    // Not a coded character: left as typed.
    ['_x41_ _x00411 x0041_ _X0041_ snake_case_name', '_x41_ _x00411 x0041_ _X0041_ snake_case_name'],
    ['bell\u0007 and \uffff gone', 'bell and  gone'],
  ])('writes %j as %j', (typed, held) => {
    expect(workbookText(typed)).toBe(held);
  });
});
