import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPRESS_MIN_BYTES, pickEncoding } from '../src/platform/http/compress.ts';
import { call, loginAdmin } from './support/client.ts';
import { createTestApp, dialectName, type TestApp } from './support/harness.ts';

describe(`compressed answers (${dialectName})`, () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAdmin(t);
    // a category tree big enough to be a "large" answer
    for (let i = 0; i < 30; i++) {
      const r = await call(t.app, 'POST', '/api/v1/admin/categories', {
        token: admin,
        body: { name: `网络游戏点卡第${i}类（腾讯、网易、盛大、完美世界）` },
      });
      expect(r.status).toBe(201);
    }
  });
  afterAll(() => t.close());

  const get = (url: string, acceptEncoding?: string, token?: string) =>
    t.app.inject({
      method: 'GET',
      url,
      headers: {
        ...(acceptEncoding !== undefined ? { 'accept-encoding': acceptEncoding } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });

  it('a large JSON answer goes as brotli or gzip as the client accepts, and decodes to the same JSON', async () => {
    const plain = await get('/api/v1/categories');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.length).toBeGreaterThan(COMPRESS_MIN_BYTES);
    expect(plain.headers.vary).toContain('Accept-Encoding');

    const br = await get('/api/v1/categories', 'gzip, deflate, br');
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toContain('Accept-Encoding');
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
    expect(JSON.parse(brotliDecompressSync(br.rawPayload).toString('utf8'))).toEqual(plain.json());

    const gz = await get('/api/v1/categories', 'gzip, br;q=0');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gz.rawPayload).toString('utf8'))).toEqual(plain.json());

    expect((await get('/api/v1/categories', 'identity')).headers['content-encoding']).toBeUndefined();
    // the API description is a large answer too
    expect((await get('/openapi.json', 'br')).headers['content-encoding']).toBe('br');
  });

  it('a tiny answer and an error go as they are', async () => {
    const health = await get('/healthz', 'br, gzip');
    expect(health.rawPayload.length).toBeLessThan(COMPRESS_MIN_BYTES);
    expect(health.headers['content-encoding']).toBeUndefined();
    const missing = await get('/api/v1/products/p_nothing', 'br, gzip');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-encoding']).toBeUndefined();
    expect(missing.json().error.code).toBe('NOT_FOUND');
  });

  it('a streamed export is not compressed again: CSV as it streams, with its BOM', async () => {
    const csv = await get('/api/v1/admin/orders/export?format=csv', 'br, gzip', admin);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-encoding']).toBeUndefined();
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('reads Accept-Encoding as browsers and proxies send it', () => {
    expect(pickEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(pickEncoding('gzip;q=1.0, br;q=0')).toBe('gzip');
    expect(pickEncoding('*')).toBe('gzip');
    expect(pickEncoding('identity')).toBeNull();
    expect(pickEncoding('gzip;q=0')).toBeNull();
    expect(pickEncoding(undefined)).toBeNull();
  });
});
