import { personalEmailsIn, sealedPeopleIn, sealPersonalFields } from './personal-fields.js';

describe('the walks for personal fields', () => {
  const deep = (levels: number, leaf: unknown): unknown => {
    let value = leaf;
    for (let i = 0; i < levels; i++) value = { next: value };
    return value;
  };
  const seal = (owner: string, text: string) => ({ pii: `p-${owner}`, v: `sealed:${text}` });

  it('finds and seals an address a few levels down, with the name beside it', () => {
    const data = { contacts: [{ email: 'Priya@Example.org', name: 'Priya' }] };
    expect([...personalEmailsIn(data, new Set())]).toEqual(['priya@example.org']);
    const sealed = sealPersonalFields(data, seal) as { contacts: { email: unknown; name: unknown }[] };
    expect(sealed.contacts[0]).toEqual({
      email: { pii: 'p-Priya@Example.org', v: 'sealed:Priya@Example.org' },
      name: { pii: 'p-Priya@Example.org', v: 'sealed:Priya' },
    });
  });

  it('keeps a value nested 10,000 deep (a malformed one) as it is, rather than overflowing the stack', () => {
    const value = deep(10_000, { email: 'deep@example.org' });
    expect(() => personalEmailsIn(value, new Set())).not.toThrow();
    expect(() => sealedPeopleIn(value, new Set())).not.toThrow();
    expect(sealPersonalFields(value, seal)).toEqual(value);
  });
});
