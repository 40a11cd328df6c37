import { readInvite } from './staff-form.js';

describe('the invite form', () => {
  const themes = ['health', 'housing'];

  it('given every field, then it reads them with the reviewer themes the plan has', () => {
    const read = readInvite(
      {
        name: ' Sam ',
        email: 'sam@x.org',
        role: 'reviewer',
        themeIds: ['health', 'nope'] as unknown as string,
      },
      themes,
    );
    expect(read).toEqual({
      name: 'Sam',
      email: 'sam@x.org',
      role: 'reviewer',
      themes: ['health'],
      errors: [],
    });
  });

  it('given nothing, then each field says what to enter, in order', () => {
    expect(readInvite({}, themes).errors).toEqual([
      { field: 'name', text: 'Enter their full name' },
      { field: 'email', text: 'Enter their email address' },
      { field: 'role', text: 'Select a role' },
    ]);
  });

  it('given an email without a domain, then it asks for the correct format', () => {
    expect(readInvite({ name: 'A', email: 'sam@', role: 'viewer' }, themes).errors[0].field).toBe('email');
  });
});
