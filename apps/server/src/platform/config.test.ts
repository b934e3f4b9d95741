import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadConnections, loadExistingMasterKey, parseTrustProxy } from './config.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'kameng-config-'));

describe('config', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({ DATA_DIR: dir() });
    expect(c.port).toBe(3000);
    expect(c.rateLimitPerMinute).toBe(600);
    expect(c.sandbox).toBe(false);
    expect(c.trustProxy).toBe(false);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.logLevel).toBe('info');
  });

  it('generates the master key once into DATA_DIR with mode 0600 and reuses it', () => {
    const d = dir();
    const a = loadConfig({ DATA_DIR: d });
    const file = join(d, 'master.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(a.masterKey.toString('hex'));
    expect(loadConfig({ DATA_DIR: d }).masterKey.equals(a.masterKey)).toBe(true);
    // only the start that wrote it says so (the loud warning at start reads this)
    expect(a.masterKeyGenerated).toBe(true);
    expect(loadConfig({ DATA_DIR: d }).masterKeyGenerated).toBe(false);
    expect(loadConfig({ DATA_DIR: dir(), KAMENG_MASTER_KEY: 'ab'.repeat(32) }).masterKeyGenerated).toBe(false);
  });

  it('reads an existing master key for a restore and never generates one', () => {
    const d = dir();
    expect(() => loadExistingMasterKey({ DATA_DIR: d })).toThrow(/no master key/);
    expect(existsSync(join(d, 'master.key'))).toBe(false);
    expect(loadExistingMasterKey({ DATA_DIR: d, KAMENG_MASTER_KEY: 'cd'.repeat(32) }).masterKey.toString('hex')).toBe(
      'cd'.repeat(32),
    );
    const made = loadConfig({ DATA_DIR: d });
    expect(loadExistingMasterKey({ DATA_DIR: d }).masterKey.equals(made.masterKey)).toBe(true);
  });

  it('lists every bad value in one clear error', () => {
    let err: unknown;
    try {
      loadConfig({
        DATA_DIR: dir(),
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        KAMENG_MASTER_KEY: 'short',
        LOG_LEVEL: 'loud',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    for (const name of ['PORT', 'DATABASE_URL', 'KAMENG_MASTER_KEY', 'LOG_LEVEL']) expect(msg).toContain(name);
    expect(msg).not.toContain('short');
  });

  it('parses TRUST_PROXY forms', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('10.0.0.1, 192.168.0.0/16')).toEqual(['10.0.0.1', '192.168.0.0/16']);
    expect(() => parseTrustProxy('evil.example.com')).toThrow(ConfigError);
  });

  it('reads KAMENG_HTTPS: auto by default, on/off and their spellings, nothing else', () => {
    expect(loadConfig({ DATA_DIR: dir() }).https).toBe('auto');
    expect(loadConfig({ DATA_DIR: dir(), KAMENG_HTTPS: 'on' }).https).toBe('on');
    expect(loadConfig({ DATA_DIR: dir(), KAMENG_HTTPS: 'true' }).https).toBe('on');
    expect(loadConfig({ DATA_DIR: dir(), KAMENG_HTTPS: '0' }).https).toBe('off');
    expect(() => loadConfig({ DATA_DIR: dir(), KAMENG_HTTPS: 'yes-please' })).toThrow(/KAMENG_HTTPS/);
  });

  it('reads the connection settings alone without creating a master key', () => {
    const d = dir();
    const c = loadConnections({ DATA_DIR: d, DATABASE_URL: 'postgres://db/kameng' });
    expect(c).toEqual({ dataDir: d, databaseUrl: 'postgres://db/kameng', redisUrl: undefined });
    expect(existsSync(join(d, 'master.key'))).toBe(false);
    expect(() => loadConnections({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });

  it('reads KAMENG_SANDBOX=on', () => {
    expect(loadConfig({ DATA_DIR: dir(), KAMENG_SANDBOX: 'on' }).sandbox).toBe(true);
  });
});
