import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Answers smaller than this go as they are: compressing them saves less than its headers and time cost. */
export const COMPRESS_MIN_BYTES = 1024;

/** Text the app answers in one piece: API JSON, the pages' HTML, the sitemap, robots.txt, /metrics. */
const COMPRESSIBLE = /^(application\/(json|xml)|text\/(html|plain|xml))\b/;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** The encoding to answer in: brotli, else gzip, when `Accept-Encoding` takes it (a `q=0` refuses it). */
export function pickEncoding(accept: string | undefined): 'br' | 'gzip' | null {
  if (!accept) return null;
  const taken = new Set<string>();
  for (const part of accept.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    if (name && (q === undefined || Number(q) > 0)) taken.add(name.trim());
  }
  if (taken.has('br')) return 'br';
  if (taken.has('gzip') || taken.has('*')) return 'gzip';
  return null;
}

function addVary(current: unknown): string {
  const list = typeof current === 'string' && current ? current.split(',').map((v) => v.trim()) : [];
  return list.some((v) => v.toLowerCase() === 'accept-encoding' || v === '*')
    ? list.join(', ')
    : [...list, 'Accept-Encoding'].join(', ');
}

/**
 * Compresses the app's answers that are sent in one piece (a string or buffer of a textual type, from
 * COMPRESS_MIN_BYTES up) with brotli (quality 4: most of the gain for little CPU) or gzip, as the client accepts,
 * off the event loop. Streams pass as they are: the CSV and xlsx exports (xlsx is a zip already) and the static
 * assets, which go out as their build-time .br/.gz copies (web.ts).
 */
export function registerCompression(app: FastifyInstance): void {
  app.addHook('onSend', async (req: FastifyRequest, reply, payload) => {
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    if (req.method === 'HEAD' || reply.getHeader('content-encoding')) return payload;
    const type = reply.getHeader('content-type');
    if (typeof type !== 'string' || !COMPRESSIBLE.test(type)) return payload;
    const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
    // the answer differs by Accept-Encoding whether or not this one is compressed: a cache must key on it
    reply.header('vary', addVary(reply.getHeader('vary')));
    if (size < COMPRESS_MIN_BYTES) return payload;
    const encoding = pickEncoding(req.headers['accept-encoding']);
    if (!encoding) return payload;
    const body =
      encoding === 'br'
        ? await brotli(payload, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: 4,
              [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
              [constants.BROTLI_PARAM_SIZE_HINT]: size,
            },
          })
        : await gzipAsync(payload, { level: 6 });
    reply.header('content-encoding', encoding);
    reply.removeHeader('content-length');
    return body;
  });
}
