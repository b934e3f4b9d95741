import { AppError } from '../../platform/http/errors.ts';
import { MAX_KEY_LENGTH } from './vault.keys.ts';

export const MiB = 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;
const EMPTY = Buffer.alloc(0);

/** Longer than any valid key can be in UTF-8 (4 bytes a character), plus a CR: such a line is counted, not kept. */
export const MAX_LINE_BYTES = 4 * MAX_KEY_LENGTH + 1;

/** Passes a byte stream through, failing with PAYLOAD_TOO_LARGE as soon as more than `limit` bytes have come. */
export async function* limitBytes(source: AsyncIterable<Buffer | string>, limit: number): AsyncGenerator<Buffer> {
  let n = 0;
  for await (const chunk of source) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    n += buf.length;
    if (n > limit) throw new AppError('PAYLOAD_TOO_LARGE', `An upload holds at most ${limit / MiB} MiB`);
    yield buf;
  }
}

/** A line's text, or null for a line too long to be a key (its bytes were dropped as they came). */
export type Line = string | null;

/** Lines yielded at a time: a 1 MiB piece holds ~30,000, and lines taken late die young. */
const LINE_BATCH = 1024;

/**
 * Splits a byte stream into lines at LF, dropping a CR before it; text after the last LF is a line if
 * not empty. Yields the lines as it goes, up to LINE_BATCH at a time, holding at most one unfinished
 * line, and never more than `maxLineBytes` of it, so a 64 MiB body without a newline costs no memory.
 * A chunk's buffer may be reused once the next chunk is asked for: the unfinished line is copied.
 */
export async function* splitLines(
  source: AsyncIterable<Buffer>,
  maxLineBytes = MAX_LINE_BYTES,
): AsyncGenerator<Line[]> {
  let parts: Buffer[] = [];
  let size = 0;
  let overlong = false;
  const take = (): Line => {
    if (overlong) return null;
    let line = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, size);
    if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, -1);
    return line.toString('utf8');
  };
  for await (const chunk of source) {
    let lines: Line[] = [];
    let start = 0;
    for (;;) {
      const lf = chunk.indexOf(LF, start);
      if (lf >= 0 && size === 0 && !overlong) {
        // the common case, a line wholly inside this chunk: decoded in place
        const end = lf > start && chunk[lf - 1] === CR ? lf - 1 : lf;
        lines.push(lf - start > maxLineBytes ? null : chunk.toString('utf8', start, end));
      } else {
        const end = lf < 0 ? chunk.length : lf;
        if (!overlong && end > start) {
          if (size + end - start > maxLineBytes) {
            overlong = true;
            parts = [];
            size = 0;
          } else {
            parts.push(chunk.subarray(start, end));
            size += end - start;
          }
        }
        if (lf < 0) {
          if (parts.length > 0) parts = [Buffer.concat(parts, size)];
          break;
        }
        lines.push(take());
        parts = [];
        size = 0;
        overlong = false;
      }
      start = lf + 1;
      if (lines.length >= LINE_BATCH) {
        yield lines;
        lines = [];
      }
    }
    if (lines.length > 0) yield lines;
  }
  if (size > 0 || overlong) yield [take()];
}

/** Counts lines exactly as splitLines will split them. */
export class LineCounter {
  private newlines = 0;
  private bytes = 0;
  private last = -1;
  add(chunk: Buffer): void {
    if (chunk.length === 0) return;
    for (let i = chunk.indexOf(LF); i >= 0; i = chunk.indexOf(LF, i + 1)) this.newlines++;
    this.bytes += chunk.length;
    this.last = chunk[chunk.length - 1] as number;
  }
  get lines(): number {
    return this.newlines + (this.bytes > 0 && this.last !== LF ? 1 : 0);
  }
  get size(): number {
    return this.bytes;
  }
}

export function multipartBoundary(contentType: string | undefined): string | null {
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType ?? '');
  return m ? (m[1] ?? m[2] ?? null) : null;
}

const malformed = (why: string) => new AppError('BAD_REQUEST', `The multipart body is malformed: ${why}`);

/**
 * Streams the content of the first file part (one with a filename, or named "file") of a
 * multipart/form-data body and skips every other part, holding no more than a boundary's length
 * of the body at a time.
 */
export async function* multipartFile(source: AsyncIterable<Buffer>, boundary: string): AsyncGenerator<Buffer> {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const keep = delimiter.length - 1;
  // the first delimiter has no CRLF before it; supplying one lets one search find them all
  let buf: Buffer = Buffer.from('\r\n');
  let state: 'preamble' | 'after' | 'headers' | 'file' | 'skip' | 'end' = 'preamble';
  let taken = false;
  let found = false;
  for await (const chunk of source) {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    for (;;) {
      if (state === 'end') {
        buf = EMPTY;
        break;
      }
      if (state === 'preamble' || state === 'file' || state === 'skip') {
        const at = buf.indexOf(delimiter);
        if (at < 0) {
          const safe = Math.max(0, buf.length - keep);
          if (state === 'file' && safe > 0) yield buf.subarray(0, safe);
          buf = buf.subarray(safe);
          break;
        }
        // a delimiter is followed by "--" (the last) or CRLF; anything else was content that only looked like one
        const after = at + delimiter.length;
        if (buf.length < after + 2) {
          if (state === 'file' && at > 0) yield buf.subarray(0, at);
          buf = buf.subarray(at);
          break;
        }
        const next = buf.subarray(after, after + 2).toString('latin1');
        if (next !== '--' && next !== '\r\n') {
          if (state === 'file') yield buf.subarray(0, after);
          buf = buf.subarray(after);
          continue;
        }
        if (state === 'file') {
          if (at > 0) yield buf.subarray(0, at);
          found = true;
        }
        buf = buf.subarray(after);
        state = 'after';
        continue;
      }
      if (state === 'after') {
        if (buf.length < 2) break;
        if (buf[0] === 0x2d && buf[1] === 0x2d) {
          state = 'end';
          continue;
        }
        const eol = buf.indexOf('\r\n');
        if (eol < 0) {
          if (buf.length > 256) throw malformed('no line break after a boundary');
          break;
        }
        buf = buf.subarray(eol + 2);
        state = 'headers';
        continue;
      }
      // headers
      const blank = buf.subarray(0, 2).equals(Buffer.from('\r\n')) ? 0 : buf.indexOf('\r\n\r\n');
      if (blank < 0) {
        if (buf.length > 16 * 1024) throw malformed('part headers over 16 KiB');
        break;
      }
      const headers = buf.subarray(0, blank).toString('utf8');
      buf = buf.subarray(blank === 0 ? 2 : blank + 4);
      const disposition = /^content-disposition:(.*)$/im.exec(headers)?.[1] ?? '';
      const isFile = /;\s*filename\*?=/i.test(disposition) || /;\s*name="?file"?(;|\s|$)/i.test(disposition);
      state = isFile && !taken ? 'file' : 'skip';
      if (state === 'file') taken = true;
    }
  }
  if (state !== 'end') throw malformed('it ends before the closing boundary');
  if (!found) throw new AppError('BAD_REQUEST', 'The multipart body holds no file: send the keys as a file field');
}

export interface SpoolOptions {
  /** at most this many lines … */
  syncMaxLines: number;
  /** … and bytes stay in memory for an immediate import */
  syncMaxBytes: number;
  /** size of a staged piece */
  chunkBytes: number;
  /** `data` is one buffer, reused for the next piece once the returned promise settles: copy what you keep */
  stage(seq: number, data: Buffer): Promise<void>;
}

export type Spooled =
  | { staged: false; data: Buffer; lines: number }
  | { staged: true; chunks: number; lines: number; bytes: number };

/**
 * Reads an upload: a small one stays in memory; once it passes syncMaxLines or syncMaxBytes, what came
 * so far and everything after goes to `stage` in pieces of chunkBytes, in order, so memory stays
 * bounded whatever the size. The pieces are filled in one buffer: a fresh one a piece would be garbage
 * outside the JS heap that nothing collects while an upload only streams bytes through.
 */
export async function spool(source: AsyncIterable<Buffer>, o: SpoolOptions): Promise<Spooled> {
  const counter = new LineCounter();
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let piece = null as Buffer | null;
  let filled = 0;
  let seq = 0;
  const stage = async (chunk: Buffer) => {
    piece ??= Buffer.allocUnsafeSlow(o.chunkBytes);
    for (let at = 0; at < chunk.length; ) {
      const n = chunk.copy(piece, filled, at);
      filled += n;
      at += n;
      if (filled === o.chunkBytes) {
        await o.stage(seq++, piece);
        filled = 0;
      }
    }
  };
  for await (const chunk of source) {
    counter.add(chunk);
    if (piece) {
      await stage(chunk);
      continue;
    }
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (counter.lines > o.syncMaxLines || counter.size > o.syncMaxBytes) {
      for (const p of pending) await stage(p);
      pending = [];
      pendingBytes = 0;
    }
  }
  if (!piece) return { staged: false, data: Buffer.concat(pending, pendingBytes), lines: counter.lines };
  if (filled > 0) await o.stage(seq++, piece.subarray(0, filled));
  return { staged: true, chunks: seq, lines: counter.lines, bytes: counter.size };
}
