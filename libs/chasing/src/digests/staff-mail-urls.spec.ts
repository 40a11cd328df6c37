import { AppConfig } from '../../../config/src/index.js';
import { DigestReader } from './digest.decide.js';
import { StaffMailUrls } from './staff-mail-urls.js';

const urls = new StaffMailUrls({
  publicBaseUrl: 'https://returns.example',
  mail: { digestIntervalMs: 3_600_000 },
} as AppConfig);
const rita: DigestReader = {
  staffId: 'rita',
  email: 'rita@lsp.example',
  role: 'reviewer',
  partnershipId: 'lsp',
  themeIds: ['safe'],
  preference: [],
};
const at = new Date('2026-12-03T10:00:00Z');

describe('where a staff mail sends its reader, and why it came', () => {
  it('links a return’s conversation on the staff pages, never the JSON API', () => {
    expect(urls.messagesPage('lsp~y1.S1')).toBe('https://returns.example/review/returns/lsp~y1.S1/messages');
  });

  it('tells a reviewer the themes they review, and a coordinator why a message came to them instead', () => {
    expect(urls.why(rita, ['Safe Communities', 'Safe Communities'], at).because).toBe(
      'you review the theme Safe Communities',
    );
    expect(urls.why({ ...rita, role: 'coordinator', themeIds: [] }, 'Green Environment', at)).toEqual({
      because: 'you coordinate the partnership and no reviewer covers the theme written about',
      delivery: 'hourly digests are the default',
      accountUrl: 'https://returns.example/account#mail',
    });
  });
});
