import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { zipFiles } from '../../../../test/support/zip-gbk.ts';
import { inflateBounded, readZip } from './zip.ts';

// made by Python's zipfile (an independent writer): one stored file, one deflated GBK file with a UTF-8 name
const ARCHIVE =
  'UEsDBBQAAAAAAAAAIQC4DwtECgAAAAoAAAAKAAAAc3RvcmVkLnR4dHBsYWluIHRleHRQSwMEFAAACAgAtaaBXWQm4lYQAAAAyAAAAAoAAADmmI7nu4YuY3N227v70nUdSz1LA669Q5oFAFBLAQIUAxQAAAAAAAAAIQC4DwtECgAAAAoAAAAKAAAAAAAAAAAAAACAAQAAAABzdG9yZWQudHh0UEsBAhQDFAAACAgAtaaBXWQm4lYQAAAAyAAAAAoAAAAAAAAAAAAAAIABMgAAAOaYjue7hi5jc3ZQSwUGAAAAAAIAAgBwAAAAagAAAAAA';

describe('reading a statement archive', () => {
  it('reads stored and deflated entries and their names', () => {
    const entries = readZip(Buffer.from(ARCHIVE, 'base64'));
    expect(entries.map((e) => e.name)).toEqual(['stored.txt', '明细.csv']);
    expect(entries[0]?.data.toString('utf8')).toBe('plain text');
    expect(new TextDecoder('gbk').decode(entries[1]?.data)).toBe('交易,9.90\n'.repeat(20));
  });

  it('refuses what is not a zip archive', () => {
    expect(() => readZip(Buffer.from('PK not really an archive, just text long enough to search'))).toThrow(
      'not a zip archive',
    );
  });
});

describe('a zip bomb', () => {
  const MiB = 1024 * 1024;
  const archive = (entries: { name: string; data: Buffer }[], claimedSize?: number) =>
    zipFiles(entries, claimedSize === undefined ? {} : { claimedSize });

  it('stops an entry that inflates past the per-entry limit, whatever its header claims', () => {
    const bomb = archive([{ name: 'bill.csv', data: Buffer.alloc(80 * MiB) }], 1000);
    expect(bomb.length).toBeLessThan(200_000);
    expect(() => readZip(bomb)).toThrow(/"bill.csv" unpacks to more than 67108864 bytes/);
  });

  it('stops many entries whose sum passes the total limit, and too many entries', () => {
    const limits = { maxEntries: 10, maxEntryBytes: 4 * MiB, maxTotalBytes: 10 * MiB };
    const parts = Array.from({ length: 4 }, (_, i) => ({ name: `p${i}.csv`, data: Buffer.alloc(3 * MiB) }));
    expect(readZip(archive(parts.slice(0, 3)), 'gbk', limits)).toHaveLength(3);
    expect(() => readZip(archive(parts), 'gbk', limits)).toThrow(/"p3.csv" unpacks to more than 1048576 bytes/);
    const many = Array.from({ length: 11 }, (_, i) => ({ name: `${i}`, data: Buffer.from('x') }));
    expect(() => readZip(archive(many), 'gbk', limits)).toThrow('zip archive has 11 entries, more than 10');
  });

  it('bounds the outer zlib layer of a UnionPay statement too', () => {
    const layer = deflateSync(Buffer.alloc(8 * MiB));
    expect(() => inflateBounded(inflateSync, layer, MiB, 'unionpay fileContent')).toThrow(
      'unionpay fileContent unpacks to more than 1048576 bytes',
    );
    expect(inflateBounded(inflateSync, layer, 8 * MiB, 'x')).toHaveLength(8 * MiB);
  });
});
