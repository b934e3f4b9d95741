import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { cstTime, type ExportColumn, exportStream, keysetPages, yuanOf } from './export.ts';

async function bytesOf(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

async function* list<T>(rows: T[]) {
  yield* rows;
}

type Row = { name: string; cents: number; at: number; n: number };
const columns: ExportColumn<Row>[] = [
  { header: '名称', kind: 'text', value: (r) => r.name },
  { header: '金额', kind: 'money', value: (r) => r.cents },
  { header: '时间', kind: 'time', value: (r) => r.at },
  { header: 'n', kind: 'int', value: (r) => r.n },
];
const at = Date.UTC(2026, 11, 3, 8, 20, 0);

describe('exports', () => {
  it('formats fen as yuan without floating point, and times in China Standard Time', () => {
    expect(yuanOf(0)).toBe('0.00');
    expect(yuanOf(5)).toBe('0.05');
    expect(yuanOf(123_456_789)).toBe('1234567.89');
    expect(yuanOf(-1050)).toBe('-10.50');
    expect(cstTime(at)).toBe('2026-12-03 16:20:00');
  });

  it('CSV: a BOM, quoted cells, formulas defused', async () => {
    const rows = [
      { name: '点卡, "十元"', cents: 1000, at, n: 1 },
      { name: '=HYPERLINK("http://x")', cents: 1, at, n: 2 },
      { name: '多行\n文本', cents: 0, at, n: 3 },
    ];
    const text = (await bytesOf(exportStream('csv', { name: 't', columns, rows: list(rows) }))).toString('utf8');
    expect(text.startsWith('\uFEFF名称,金额,时间,n\r\n')).toBe(true);
    expect(text).toContain('"点卡, ""十元""",10.00,2026-12-03 16:20:00,1\r\n');
    expect(text).toContain(`"'=HYPERLINK(""http://x"")",0.01,`);
    expect(text).toContain('"多行\n文本",0.00,');
  });

  it('xlsx: a workbook exceljs reads back, money as yuan, formulas as text', async () => {
    const rows = [
      { name: '腾讯Q币', cents: 1234, at, n: 7 },
      { name: '+1+1', cents: 99, at, n: 8 },
    ];
    const bytes = await bytesOf(exportStream('xlsx', { name: 't', columns, rows: list(rows) }));
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    expect(sheet.rowCount).toBe(3);
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(['名称', '金额', '时间', 'n']);
    expect((sheet.getRow(2).values as unknown[]).slice(1)).toEqual(['腾讯Q币', 12.34, '2026-12-03 16:20:00', 7]);
    expect(sheet.getRow(3).getCell(1).value).toBe("'+1+1");
    expect(sheet.getRow(3).getCell(1).formula).toBeUndefined();
  });

  it('keysetPages reads until a short page, passing the last row on', async () => {
    const seen: (number | undefined)[] = [];
    const all = Array.from({ length: 25 }, (_, i) => i);
    const pages = keysetPages<number>(10, async (after) => {
      seen.push(after);
      const from = after === undefined ? 0 : after + 1;
      return all.slice(from, from + 10);
    });
    const got: number[] = [];
    for await (const n of pages) got.push(n);
    expect(got).toEqual(all);
    expect(seen).toEqual([undefined, 9, 19]);
  });

  it.each(['csv', 'xlsx'] as const)(
    '%s: a closed download stops reading rows; a slow one holds them back',
    // the producer's work until its buffers are full is CPU-bound (MBs through deflate): on a loaded machine
    // that takes seconds, so this test waits for it rather than for a fixed number of polls
    { timeout: 60_000 },
    async (format) => {
      let pulled = 0;
      let sourceClosed!: () => void;
      const closed = new Promise<void>((resolve) => {
        sourceClosed = resolve;
      });
      async function* endless() {
        try {
          for (;;) {
            pulled++;
            yield { name: `卡密 ${pulled} ${'x'.repeat(200)}`, cents: pulled, at, n: pulled };
            if (pulled % 100 === 0) await new Promise((r) => setImmediate(r));
          }
        } finally {
          sourceClosed();
        }
      }
      const stream = exportStream(format, { name: 't', columns, rows: endless() });
      // nobody reads: the writer stops once its buffers (a few MB) are full instead of running on; it has
      // stopped when a poll sees no new row, and a writer that never stops passes 100,000 rows
      let idle = -1;
      while (pulled !== idle && pulled < 100_000) {
        idle = pulled;
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(pulled).toBe(idle);
      expect(idle).toBeLessThan(100_000);
      // a reader takes some bytes and hangs up: the row source is closed, so nothing more can be read
      await new Promise<void>((resolve) => stream.once('data', () => resolve()));
      stream.destroy();
      await closed;
      const last = pulled;
      await new Promise((r) => setImmediate(r));
      expect(pulled).toBe(last);
    },
  );
});
