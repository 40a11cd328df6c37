import { Product, startProduct } from './support/product.js';

/**
 * The API docs (Swagger UI) are a page of the service like the others, which all say they are in British English
 * (page-language.spec): Swagger UI's own page said `lang="en"`, at each address it is served from.
 */
describe('the API docs page (e2e)', () => {
  let product: Product;
  beforeAll(async () => {
    product = await startProduct('api_docs_language');
  }, 120_000);
  afterAll(() => product.stop());

  it.each(['/api/docs', '/api/docs/', '/api/docs/index.html'])(
    '%s says it is in British English',
    async (path) => {
      const answer = await fetch(`${product.baseUrl}${path}`, { headers: { accept: 'text/html' } });
      expect(answer.status).toBe(200);
      const html = await answer.text();
      expect(html).toContain('swagger-ui');
      expect(/<html[^>]*\blang="([^"]*)"/.exec(html)?.[1]).toBe('en-GB');
    },
  );

  it('leaves the OpenAPI document as it was', async () => {
    const answer = await fetch(`${product.baseUrl}/api/docs-json`);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { info: { title: string } }).info.title).toBe('Partner Returns');
  });
});
