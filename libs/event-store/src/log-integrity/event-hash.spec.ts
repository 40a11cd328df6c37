import { chainLink } from './event-hash.js';

describe('an event hash', () => {
  const content = '["return:y1:S1", "ReturnSubmitted", 1, {"rag": "green"}, {"actorId": "u"}]';

  it('changes with the hash before it, the version, the recorded time and the content', () => {
    const link = chainLink(null, 1, '1585695600000000', content);
    expect(link).toMatch(/^[0-9a-f]{64}$/);
    expect(chainLink('', 1, '1585695600000000', content)).toBe(link); // a stream's first event chains on nothing
    expect(chainLink('00', 1, '1585695600000000', content)).not.toBe(link);
    expect(chainLink(null, 2, '1585695600000000', content)).not.toBe(link);
    expect(chainLink(null, 1, '1585695600000001', content)).not.toBe(link);
    expect(chainLink(null, 1, '1585695600000000', content.replace('green', 'amber'))).not.toBe(link);
  });
});
