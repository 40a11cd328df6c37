import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import nunjucks from 'nunjucks';
import { repoRoot } from './repo-root.js';

const views = join(repoRoot(), 'libs/web/views');

function pages(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? pages(join(dir, entry.name))
      : entry.name.endsWith('.njk')
        ? [relative(views, join(dir, entry.name))]
        : [],
  );
}

/**
 * The service is British: every page says so, so that a screen reader speaks it with UK English and a browser
 * checks what an officer types in it against UK spelling (GOV.UK's template says `lang="en"` unless told).
 */
describe('every page the service serves', () => {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader([views, join(repoRoot(), 'node_modules/govuk-frontend/dist')]),
    { autoescape: true },
  );
  env.addFilter('longDate', () => '');
  env.addFilter('momentInWords', () => '');
  env.addFilter('lines', () => []);
  env.addFilter('narrative', () => '');

  it.each(pages(join(views, 'pages')))('%s says it is in British English', (page) => {
    const html = env.render(page, {
      title: 'A page',
      measureText: 'a measure',
      cspNonce: 'n',
      csrfToken: () => 't',
    });
    expect(/<html[^>]*\blang="([^"]*)"/.exec(html)?.[1]).toBe('en-GB');
  });
});
