import { canonicalJson, chainLink, eventContentDigest } from './event-hash.js';

describe('canonical JSON, the form an event is hashed in', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('drops what JSON.stringify drops and writes Dates as JSON.stringify does', () => {
    const at = new Date('2020-03-31T23:00:00.000Z');
    expect(canonicalJson({ gone: undefined, fn: () => 1, at, list: [undefined, 1] })).toBe(
      '{"at":"2020-03-31T23:00:00.000Z","list":[null,1]}',
    );
  });

  it('gives the same text for a value and for its JSON round trip (what jsonb gives back)', () => {
    const value = {
      ref: 'S1',
      narrative: 'Ünïcode “quotes” \n line',
      n: 1.5,
      big: 1e21,
      neg: -0,
      nested: [{}, []],
    };
    expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(canonicalJson(value));
  });
});

describe('an event hash', () => {
  const event = {
    streamId: 'return:y1:S1',
    type: 'ReturnSubmitted',
    schemaVersion: 1,
    data: { rag: 'green' },
    metadata: { actorId: 'u' },
  };

  it('changes with every field the content digest covers', () => {
    const base = eventContentDigest(event);
    expect(eventContentDigest({ ...event, data: { rag: 'green' } })).toBe(base);
    for (const changed of [
      { ...event, streamId: 'return:y1:S2' },
      { ...event, type: 'ReturnApproved' },
      { ...event, schemaVersion: 2 },
      { ...event, data: { rag: 'red' } },
      { ...event, metadata: { actorId: 'v' } },
    ]) {
      expect(eventContentDigest(changed)).not.toBe(base);
    }
  });

  it('changes with the hash before it, the version and the recorded time', () => {
    const content = eventContentDigest(event);
    const link = chainLink(null, 1, '1585695600000000', content);
    expect(link).toMatch(/^[0-9a-f]{64}$/);
    expect(chainLink('', 1, '1585695600000000', content)).toBe(link); // a stream's first event chains on nothing
    expect(chainLink('00', 1, '1585695600000000', content)).not.toBe(link);
    expect(chainLink(null, 2, '1585695600000000', content)).not.toBe(link);
    expect(chainLink(null, 1, '1585695600000001', content)).not.toBe(link);
  });
});
