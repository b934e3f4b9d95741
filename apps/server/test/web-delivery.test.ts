import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WEB_DIST } from '../src/app.ts';
import { createTestApp, dialectName, type TestApp } from './support/harness.ts';

const PROXY = '10.9.8.7';
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** A built web app in miniature: what Vite leaves in dist/, its text assets with .br and .gz copies. */
function fixtureDist(): { dir: string; script: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'kameng-dist-'));
  mkdirSync(join(dir, 'assets'));
  const script = Buffer.from(`export const shop = ${JSON.stringify('卡盟 '.repeat(2000))};\n`);
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><div id="root"></div><script src="/assets/index-Ab12Cd34.js">',
  );
  writeFileSync(join(dir, 'assets/index-Ab12Cd34.js'), script);
  writeFileSync(join(dir, 'assets/index-Ab12Cd34.js.br'), brotliCompressSync(script));
  writeFileSync(join(dir, 'assets/index-Ab12Cd34.js.gz'), gzipSync(script));
  writeFileSync(join(dir, 'assets/logo-Ef56Gh78.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return { dir, script };
}

async function get(app: FastifyInstance, url: string, headers: Record<string, string> = {}, ip = '198.18.0.1') {
  return app.inject({ method: 'GET', url, headers, remoteAddress: ip });
}

describe(`plain-HTTP trials: HTTPS-only headers only over HTTPS (${dialectName})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    // KAMENG_HTTPS left at its default, auto
    t = await createTestApp({ env: { TRUST_PROXY: PROXY } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('over plain HTTP the CSP has no upgrade-insecure-requests and there is no HSTS', async () => {
    for (const url of ['/healthz', '/', '/api/v1/categories', '/docs/']) {
      const res = await get(t.app, url);
      const csp = String(res.headers['content-security-policy']);
      expect(csp, url).toContain("default-src 'self'");
      expect(csp, url).not.toContain('upgrade-insecure-requests');
      expect(res.headers['strict-transport-security'], url).toBeUndefined();
      expect(res.headers['cross-origin-opener-policy'], url).toBeUndefined();
    }
  });

  it('behind the trusted proxy, a request it received over HTTPS gets upgrade-insecure-requests and HSTS', async () => {
    const res = await get(t.app, '/healthz', { 'x-forwarded-proto': 'https' }, PROXY);
    expect(String(res.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });

  it('X-Forwarded-Proto from an address TRUST_PROXY does not name changes nothing', async () => {
    const res = await get(t.app, '/healthz', { 'x-forwarded-proto': 'https' }, '203.0.113.50');
    expect(String(res.headers['content-security-policy'])).not.toContain('upgrade-insecure-requests');
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('the API reference (/docs) lives under the app’s CSP, which lets its inline styles through', async () => {
    const res = await get(t.app, '/docs/');
    const styleSrc = String(res.headers['content-security-policy'])
      .split(';')
      .find((d) => d.trim().startsWith('style-src'));
    expect(styleSrc).toContain("'unsafe-inline'");
  });
});

describe(`compression and caching of the web app (${dialectName})`, () => {
  let t: TestApp;
  let fixture: { dir: string; script: Buffer };
  beforeAll(async () => {
    fixture = fixtureDist();
    t = await createTestApp({ env: { WEB_DIST_DIR: fixture.dir } });
  });
  afterAll(async () => {
    await t.close();
    rmSync(fixture.dir, { recursive: true, force: true });
  });

  it('a hashed script goes out as its brotli copy when the browser accepts br, cached for a year as immutable', async () => {
    const res = await get(t.app, '/assets/index-Ab12Cd34.js', { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(String(res.headers['content-type'])).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe(IMMUTABLE);
    expect(String(res.headers.vary)).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(res.rawPayload).equals(fixture.script)).toBe(true);
  });

  it('gzip when only gzip is accepted, the file itself when nothing is', async () => {
    const gz = await get(t.app, '/assets/index-Ab12Cd34.js', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['cache-control']).toBe(IMMUTABLE);
    expect(gunzipSync(gz.rawPayload).equals(fixture.script)).toBe(true);

    const plain = await get(t.app, '/assets/index-Ab12Cd34.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['cache-control']).toBe(IMMUTABLE);
    expect(plain.rawPayload.equals(fixture.script)).toBe(true);
  });

  it('an asset without compressed copies is sent as it is, still immutable, with no Vary', async () => {
    const res = await get(t.app, '/assets/logo-Ef56Gh78.png', { 'accept-encoding': 'br, gzip' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['cache-control']).toBe(IMMUTABLE);
    expect(res.headers.vary).toBeUndefined();
  });

  it('index.html and files outside assets/ are revalidated on every use', async () => {
    for (const url of ['/', '/search?q=qq', '/index.html', '/favicon.svg']) {
      const res = await get(t.app, url, { 'accept-encoding': 'br, gzip' });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-cache');
    }
  });

  it('API answers are not compressed by the app', async () => {
    const res = await get(t.app, '/api/v1/categories', { 'accept-encoding': 'br, gzip' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
  });
});

describe.skipIf(!existsSync(join(DEFAULT_WEB_DIST, 'index.html')))(`the built web app (${dialectName})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('every script index.html loads has build-time brotli and gzip copies and is served compressed', async () => {
    const html = readFileSync(join(DEFAULT_WEB_DIST, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1] as string);
    expect(scripts.length).toBeGreaterThan(0);
    for (const url of scripts) {
      const file = join(DEFAULT_WEB_DIST, url);
      if (readFileSync(file).length < 1024) continue;
      expect(existsSync(`${file}.br`), `${url}.br`).toBe(true);
      expect(existsSync(`${file}.gz`), `${url}.gz`).toBe(true);
      const br = await get(t.app, url, { 'accept-encoding': 'br, gzip' });
      expect(br.headers['content-encoding'], url).toBe('br');
      expect(br.headers['cache-control'], url).toBe(IMMUTABLE);
      expect(brotliDecompressSync(br.rawPayload).equals(readFileSync(file)), url).toBe(true);
      const gz = await get(t.app, url, { 'accept-encoding': 'gzip' });
      expect(gz.headers['content-encoding'], url).toBe('gzip');
    }
  });
});
