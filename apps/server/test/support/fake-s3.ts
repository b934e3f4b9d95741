import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for an S3-compatible store (path-style: /bucket/key): PUT stores the bytes, GET returns
 * them, DELETE removes them, and multipart uploads work as S3's do (POST ?uploads starts one, PUT
 * ?partNumber&uploadId stores a part, POST ?uploadId completes it in part order, DELETE ?uploadId aborts it).
 * A request not signed (SigV4) with the expected access key id is refused 403; `failPart` makes that part
 * number fail with a 500 every time.
 */
export interface FakeS3 {
  url: string;
  objects: Map<string, Buffer>;
  refused: number;
  /** every request: method, key and the multipart query (`uploads`, `partNumber=2`, `uploadId`) */
  requests: { method: string; key: string; query: string }[];
  /** uploads started and not yet completed or aborted */
  openUploads: number;
  failPart: number | null;
  close(): Promise<void>;
}

export async function startFakeS3(accessKeyId: string): Promise<FakeS3> {
  const objects = new Map<string, Buffer>();
  const uploads = new Map<string, { key: string; parts: Map<number, Buffer> }>();
  const state = { refused: 0, failPart: null as number | null };
  const requests: FakeS3['requests'] = [];
  const xml = (res: import('node:http').ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'application/xml' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?>${body}`);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const key = decodeURIComponent(url.pathname.slice(1));
      const q = url.searchParams;
      requests.push({ method: req.method ?? '', key, query: url.search.slice(1) });
      const auth = String(req.headers.authorization ?? '');
      if (!auth.startsWith(`AWS4-HMAC-SHA256 Credential=${accessKeyId}/`) || !auth.includes('Signature=')) {
        state.refused++;
        xml(res, 403, '<Error><Code>AccessDenied</Code><Message>bad credentials</Message></Error>');
        return;
      }
      const uploadId = q.get('uploadId');
      const upload = uploadId ? uploads.get(uploadId) : undefined;
      if (uploadId && (!upload || upload.key !== key)) {
        xml(res, 404, '<Error><Code>NoSuchUpload</Code><Message>no such upload</Message></Error>');
      } else if (req.method === 'POST' && q.has('uploads')) {
        const id = `up-${uploads.size + 1}-${Date.now()}`;
        uploads.set(id, { key, parts: new Map() });
        const [bucket, ...rest] = key.split('/');
        xml(
          res,
          200,
          `<InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${rest.join('/')}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`,
        );
      } else if (req.method === 'PUT' && upload) {
        const n = Number(q.get('partNumber'));
        if (n === state.failPart) {
          xml(res, 500, '<Error><Code>InternalError</Code><Message>part refused</Message></Error>');
          return;
        }
        upload.parts.set(n, Buffer.concat(chunks));
        res.writeHead(200, { etag: `"part-${n}"` });
        res.end();
      } else if (req.method === 'POST' && upload && uploadId) {
        const listed = [
          ...Buffer.concat(chunks)
            .toString('utf8')
            .matchAll(/<PartNumber>(\d+)<\/PartNumber>/g),
        ].map((m) => Number(m[1]));
        objects.set(key, Buffer.concat(listed.map((n) => upload.parts.get(n) ?? Buffer.alloc(0))));
        uploads.delete(uploadId);
        xml(
          res,
          200,
          `<CompleteMultipartUploadResult><Key>${key}</Key><ETag>"done"</ETag></CompleteMultipartUploadResult>`,
        );
      } else if (req.method === 'DELETE' && upload && uploadId) {
        uploads.delete(uploadId);
        res.writeHead(204);
        res.end();
      } else if (req.method === 'PUT') {
        objects.set(key, Buffer.concat(chunks));
        res.writeHead(200, { etag: '"fake"' });
        res.end();
      } else if (req.method === 'DELETE') {
        objects.delete(key);
        res.writeHead(204);
        res.end();
      } else if (req.method === 'GET' && objects.has(key)) {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(objects.get(key));
      } else {
        xml(res, 404, '<Error><Code>NoSuchKey</Code><Message>no such key</Message></Error>');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    objects,
    requests,
    get refused() {
      return state.refused;
    },
    get openUploads() {
      return uploads.size;
    },
    get failPart() {
      return state.failPart;
    },
    set failPart(n: number | null) {
      state.failPart = n;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
