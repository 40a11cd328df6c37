import { metricsAllowed } from './metrics-token.js';

describe('who may read /metrics', () => {
  const token = 'a-metrics-token-of-some-length';

  it('lets anyone read while no METRICS_TOKEN is set', () => {
    expect(metricsAllowed(undefined, undefined)).toBe(true);
    expect(metricsAllowed(undefined, 'Bearer whatever')).toBe(true);
  });

  it('asks for exactly the token as a bearer once it is set', () => {
    expect(metricsAllowed(token, `Bearer ${token}`)).toBe(true);
    expect(metricsAllowed(token, `bearer ${token}`)).toBe(true);
    expect(metricsAllowed(token, undefined)).toBe(false);
    expect(metricsAllowed(token, token)).toBe(false);
    expect(metricsAllowed(token, `Bearer ${token}x`)).toBe(false);
    expect(metricsAllowed(token, `Bearer ${token.slice(1)}`)).toBe(false);
    expect(metricsAllowed(token, `Basic ${token}`)).toBe(false);
  });
});
