import { provenanceOf } from './request-provenance.js';

const own = new Set(['https://returns.example.gov.uk', 'http://127.0.0.1:3000']);

describe('provenanceOf', () => {
  it.each([
    ['our Origin', { origin: 'https://returns.example.gov.uk' }],
    ['our Origin by the other name we answer to', { origin: 'http://127.0.0.1:3000' }],
    ['Sec-Fetch-Site same-origin', { 'sec-fetch-site': 'same-origin' }],
    ['only our Referer', { referer: 'https://returns.example.gov.uk/review/returns/y1.S1' }],
    [
      'Sec-Fetch-Site, Origin and Referer all ours',
      {
        'sec-fetch-site': 'same-origin',
        origin: 'https://returns.example.gov.uk',
        referer: 'https://returns.example.gov.uk/coordinate',
      },
    ],
  ])('is same-origin with %s', (_what, headers) => {
    expect(provenanceOf(headers, own)).toBe('same-origin');
  });

  it.each([
    ['a foreign Origin', { origin: 'http://evil.example' }],
    ['a sibling subdomain', { origin: 'https://evil.example.gov.uk', 'sec-fetch-site': 'same-site' }],
    ['another port of our host', { origin: 'https://returns.example.gov.uk:8443' }],
    ['our host over plain HTTP', { origin: 'http://returns.example.gov.uk' }],
    ['Origin null (a page hiding its origin, a sandboxed frame)', { origin: 'null' }],
    ['only a foreign Referer', { referer: 'http://evil.example/page' }],
    ['a Referer that is not a URL', { referer: 'not a url' }],
    ['Sec-Fetch-Site cross-site alone', { 'sec-fetch-site': 'cross-site' }],
    [
      'our Origin but a cross-site fetch',
      { origin: 'https://returns.example.gov.uk', 'sec-fetch-site': 'cross-site' },
    ],
    [
      'our Origin with a foreign Referer',
      { origin: 'https://returns.example.gov.uk', referer: 'http://evil.example/' },
    ],
    [
      'Sec-Fetch-Site same-origin with a foreign Origin',
      { 'sec-fetch-site': 'same-origin', origin: 'http://evil.example' },
    ],
  ])('is foreign with %s', (_what, headers) => {
    expect(provenanceOf(headers, own)).toBe('foreign');
  });

  it('is unknown with none of them (not a browser), or only Sec-Fetch-Site none', () => {
    expect(provenanceOf({}, own)).toBe('unknown');
    expect(provenanceOf({ 'sec-fetch-site': 'none' }, own)).toBe('unknown');
  });
});
