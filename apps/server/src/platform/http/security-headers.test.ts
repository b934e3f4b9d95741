import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { securityHeaders } from './security-headers.ts';

const over = (protocol: 'http' | 'https') => ({ protocol }) as FastifyRequest;
const csp = (h: Readonly<Record<string, string>>) => h['content-security-policy'] ?? '';

describe('security headers by KAMENG_HTTPS', () => {
  it('auto: HTTPS-only headers follow the request protocol', () => {
    const pick = securityHeaders('auto');
    expect(csp(pick(over('https')))).toContain('upgrade-insecure-requests');
    expect(pick(over('https'))['strict-transport-security']).toBeDefined();
    expect(csp(pick(over('http')))).not.toContain('upgrade-insecure-requests');
    // what a browser ignores (and logs) on an http:// origin that is not localhost
    for (const name of ['strict-transport-security', 'cross-origin-opener-policy', 'origin-agent-cluster']) {
      expect(pick(over('https'))[name], name).toBeDefined();
      expect(pick(over('http'))[name], name).toBeUndefined();
    }
  });

  it('on: always; off: never, whatever the request says', () => {
    const on = securityHeaders('on');
    const off = securityHeaders('off');
    for (const p of ['http', 'https'] as const) {
      expect(csp(on(over(p)))).toContain('upgrade-insecure-requests');
      expect(csp(off(over(p)))).not.toContain('upgrade-insecure-requests');
      expect(off(over(p))['strict-transport-security']).toBeUndefined();
    }
  });

  it('both variants keep the rest of the policy, computed once', () => {
    const pick = securityHeaders('auto');
    const secure = pick(over('https'));
    const plain = pick(over('http'));
    expect(pick(over('https'))).toBe(secure);
    expect(csp(plain)).toBe(csp(secure).replace(/;?upgrade-insecure-requests/, ''));
    expect(plain['x-content-type-options']).toBe('nosniff');
    expect(csp(plain)).toContain("script-src 'self'");
  });
});
