import { describe, expect, it } from 'vitest';
import { deviceHash, networkOf } from './device.ts';

const key = Buffer.alloc(32, 1);
const base = { userAgent: 'Mozilla/5.0 (iPhone)', fingerprint: 'fp-1', ip: '203.0.113.7' };

describe('device hash', () => {
  it('keeps the network, not the address', () => {
    expect(networkOf('203.0.113.7')).toBe('203.0.113.0/24');
    expect(networkOf('::ffff:203.0.113.200')).toBe('203.0.113.0/24');
    expect(networkOf('2001:db8:abcd:12::1')).toBe('2001:db8:abcd::/48');
    expect(networkOf('2001:db8::1')).toBe('2001:db8:0::/48');
  });

  it('one device on one network hashes alike; another agent, fingerprint, network or key does not', () => {
    const h = deviceHash(key, base);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(deviceHash(key, { ...base, ip: '203.0.113.99' })).toBe(h);
    expect(h).not.toContain('203.0.113');
    for (const other of [
      { ...base, ip: '203.0.114.7' },
      { ...base, userAgent: 'curl/8' },
      { ...base, fingerprint: 'fp-2' },
      { ...base, fingerprint: undefined },
    ]) {
      expect(deviceHash(key, other)).not.toBe(h);
    }
    expect(deviceHash(Buffer.alloc(32, 2), base)).not.toBe(h);
  });
});
