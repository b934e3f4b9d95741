import { inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  data: Buffer;
}

/** How much an archive may unpack to: a zip bomb (a few KB inflating to GBs) stops at these, not at the heap. */
export interface ZipLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
}

const MiB = 1024 * 1024;
/** A channel's daily statement for a busy merchant is a few MB; these leave room and still bound memory. */
export const ZIP_LIMITS: ZipLimits = { maxEntries: 1000, maxEntryBytes: 64 * MiB, maxTotalBytes: 256 * MiB };

/** zlib inflate of a whole buffer, refused once it would produce more than `maxBytes`. */
export function inflateBounded(inflate: typeof inflateRawSync, data: Buffer, maxBytes: number, what: string): Buffer {
  try {
    return inflate(data, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new Error(`${what} unpacks to more than ${maxBytes} bytes`);
    }
    throw err;
  }
}

/**
 * Reads the entries of a zip archive (stored or deflated), as channels ship their statements. Names
 * without the UTF-8 flag are in the sender's code page, which for Chinese channels is GBK.
 */
export function readZip(zip: Buffer, legacyEncoding = 'gbk', limits: ZipLimits = ZIP_LIMITS): ZipEntry[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive');
  const count = zip.readUInt16LE(eocd + 10);
  if (count > limits.maxEntries) throw new Error(`zip archive has ${count} entries, more than ${limits.maxEntries}`);
  let at = zip.readUInt32LE(eocd + 16);
  const out: ZipEntry[] = [];
  let total = 0;
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('broken zip central directory');
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const rawName = zip.subarray(at + 46, at + 46 + nameLen);
    const name = new TextDecoder(flags & 0x800 ? 'utf-8' : legacyEncoding).decode(rawName);
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error('broken zip entry');
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const body = zip.subarray(start, start + size);
    if (method !== 0 && method !== 8) throw new Error(`zip method ${method} not supported`);
    // the sizes in the headers are the sender's word; the limit is enforced on what really comes out
    const room = Math.min(limits.maxEntryBytes, limits.maxTotalBytes - total);
    const what = `zip entry ${JSON.stringify(name)}`;
    if (method === 0 && body.length > room) throw new Error(`${what} unpacks to more than ${room} bytes`);
    const data = method === 8 ? inflateBounded(inflateRawSync, body, room, what) : Buffer.from(body);
    total += data.length;
    out.push({ name, data });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}
