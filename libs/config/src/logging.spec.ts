import { loggedResponse } from './logging.js';

describe('a response in the request log', () => {
  it('shows a redirect to a provider by its address alone, without the sign-on state and nonce in its query', () => {
    const logged = loggedResponse({
      statusCode: 303,
      headers: {
        location:
          'https://login.microsoftonline.com/t/oauth2/v2.0/authorize?state=s3cret&nonce=n0nce&code_challenge=c',
        'content-length': '0',
      },
    });
    expect(logged).toEqual({
      statusCode: 303,
      headers: {
        location: 'https://login.microsoftonline.com/t/oauth2/v2.0/authorize',
        'content-length': '0',
      },
    });
  });

  it('never shows a link token a redirect carries, and leaves other answers as they are', () => {
    expect(loggedResponse({ statusCode: 303, headers: { location: '/l/AbCdEfGh0123?x=1' } }).headers).toEqual(
      {
        location: '/l/[token]',
      },
    );
    expect(
      loggedResponse({ statusCode: 303, headers: { location: '/coordinate/plan?done=Saved&sig=abc' } })
        .headers,
    ).toEqual({ location: '/coordinate/plan' });
    const plain = { statusCode: 200, headers: { 'content-type': 'text/html' } };
    expect(loggedResponse(plain)).toEqual(plain);
  });
});
