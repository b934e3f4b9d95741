import { describe, expect, it } from 'vitest';
import { readZip } from './zip.ts';

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
