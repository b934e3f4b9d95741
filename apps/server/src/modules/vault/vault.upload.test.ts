import { describe, expect, it } from 'vitest';
import { LineCounter, limitBytes, multipartBoundary, multipartFile, spool, splitLines } from './vault.upload.ts';

async function* from(...chunks: (string | Buffer)[]): AsyncGenerator<Buffer> {
  for (const c of chunks) yield typeof c === 'string' ? Buffer.from(c) : c;
}

/** Every way to cut `text` into two or three pieces: parsers must not care where the network splits a body. */
function* splits(text: string): Generator<string[]> {
  for (let i = 0; i <= text.length; i++) {
    yield [text.slice(0, i), text.slice(i)];
    for (let j = i; j <= text.length; j += 3) yield [text.slice(0, i), text.slice(i, j), text.slice(j)];
  }
}

async function lines(source: AsyncIterable<Buffer>, max?: number): Promise<(string | null)[]> {
  const out: (string | null)[] = [];
  for await (const part of splitLines(source, max)) out.push(...part);
  return out;
}

async function collect(source: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of source) parts.push(c);
  return Buffer.concat(parts).toString('utf8');
}

describe('splitLines', () => {
  it('splits at LF, drops CR, keeps a last line without LF, wherever the chunks break', async () => {
    const text = 'a1\r\nb2\n\nc3\r\nd4';
    for (const parts of splits(text)) {
      expect(await lines(from(...parts))).toEqual(['a1', 'b2', '', 'c3', 'd4']);
    }
  });

  it('turns an overlong line into null without keeping its bytes, and goes on after it', async () => {
    const long = 'x'.repeat(50);
    expect(await lines(from(`ok\n${long.slice(0, 20)}`, `${long.slice(20)}\nnext`), 10)).toEqual(['ok', null, 'next']);
  });

  it('keeps multi-byte characters whole across chunk boundaries', async () => {
    const buf = Buffer.from('卡密一\n卡密二');
    for (let i = 0; i <= buf.length; i++) {
      expect(await lines(from(buf.subarray(0, i), buf.subarray(i)))).toEqual(['卡密一', '卡密二']);
    }
  });
});

describe('LineCounter', () => {
  it('counts lines as splitLines splits them', async () => {
    for (const text of ['', 'a', 'a\n', 'a\nb', 'a\n\nb\n', '\n\n']) {
      const c = new LineCounter();
      c.add(Buffer.from(text));
      expect(c.lines).toBe((await lines(from(text))).length);
    }
  });
});

describe('limitBytes', () => {
  it('passes a body up to the limit and fails with 413 past it', async () => {
    expect(await collect(limitBytes(from('abc', 'de'), 5))).toBe('abcde');
    await expect(collect(limitBytes(from('abc', 'def'), 5))).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });
});

describe('multipartFile', () => {
  const body =
    '--XyZ\r\nContent-Disposition: form-data; name="note"\r\n\r\nnot this\r\n' +
    '--XyZ\r\nContent-Disposition: form-data; name="upload"; filename="keys.csv"\r\nContent-Type: text/csv\r\n\r\n' +
    'K1,P1\r\nK2,P2\r\n--XyZ-not-a-boundary\r\n' +
    '\r\n--XyZ\r\nContent-Disposition: form-data; name="file2"; filename="b.txt"\r\n\r\nnot this either\r\n--XyZ--\r\n';

  it('streams the first file part only, wherever the chunks break', async () => {
    for (const parts of splits(body)) {
      expect(await collect(multipartFile(from(...parts), 'XyZ'))).toBe('K1,P1\r\nK2,P2\r\n--XyZ-not-a-boundary\r\n');
    }
  });

  it('refuses a body without a file or without its closing boundary', async () => {
    const noFile = '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--b--\r\n';
    await expect(collect(multipartFile(from(noFile), 'b'))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const cut = '--b\r\nContent-Disposition: form-data; name="file"; filename="k"\r\n\r\nK1';
    await expect(collect(multipartFile(from(cut), 'b'))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('reads the boundary from the content type, quoted or not', () => {
    expect(multipartBoundary('multipart/form-data; boundary=abc')).toBe('abc');
    expect(multipartBoundary('multipart/form-data; boundary="a b"')).toBe('a b');
    expect(multipartBoundary('multipart/form-data')).toBeNull();
  });
});

describe('spool', () => {
  it('keeps a small upload in memory and stages a large one in order, in pieces of the chunk size', async () => {
    const staged: Buffer[] = [];
    const opts = {
      syncMaxLines: 3,
      syncMaxBytes: 100,
      chunkBytes: 4,
      stage: async (seq: number, data: Buffer) => {
        expect(seq).toBe(staged.length);
        staged.push(Buffer.from(data));
      },
    };
    const small = await spool(from('a\nb\n', 'c'), opts);
    expect(small).toMatchObject({ staged: false, lines: 3 });
    expect(staged).toHaveLength(0);

    const big = await spool(from('k1\nk2\n', 'k3\nk4\nk5'), opts);
    expect(big).toMatchObject({ staged: true, lines: 5, bytes: 14 });
    expect(Buffer.concat(staged).toString()).toBe('k1\nk2\nk3\nk4\nk5');
    expect(staged.slice(0, -1).every((c) => c.length === 4)).toBe(true);
  });
});
