/**
 * Exports of a list as CSV or .xlsx, streamed: rows are read page by page (keyset, never OFFSET) and written
 * as they come, so a million-row export holds one page in memory and waits while the client is slow.
 *
 * CSV is UTF-8 with a byte-order mark (Excel otherwise reads Chinese as mojibake); text cells that a
 * spreadsheet would run as a formula (= + - @, tab, CR) are prefixed with a quote (CSV injection).
 * .xlsx is written by exceljs's streaming workbook writer.
 */
import { PassThrough, Readable, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { CST_OFFSET_MS } from '../days.ts';

export const exportFormatSchema = z.enum(['csv', 'xlsx']).default('csv').describe('csv (UTF-8 with BOM) or xlsx');
export type ExportFormat = z.infer<typeof exportFormatSchema>;

/** Each export reads a whole list: a person needs a few a minute, a script looping on one is held back. */
export const EXPORT_LIMIT = { max: 20, windowMs: 60_000, by: 'user' as const };

/** The OpenAPI entry of an export's 200: a file, not JSON. */
export const exportFileSchema = z
  .string()
  .describe(
    'the file as a download: text/csv (UTF-8 with BOM) or .xlsx (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet)',
  )
  .meta({ id: 'ExportFile' });

/** text: as is; int: a whole number; money: fen shown as yuan with two decimals; time: epoch ms in CST. */
export type ColumnKind = 'text' | 'int' | 'money' | 'time';

export interface ExportColumn<R> {
  header: string;
  kind: ColumnKind;
  value: (row: R) => string | number | null | undefined;
  /** .xlsx column width in characters */
  width?: number;
}

export interface ExportSpec<R> {
  /** file name without extension, ASCII */
  name: string;
  columns: readonly ExportColumn<R>[];
  rows: AsyncIterable<R>;
}

const CSV_MIME = 'text/csv; charset=utf-8';
const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const BOM = '\uFEFF';

/** Reads a list page by page after the last row of the previous page, until a page comes back short. */
export async function* keysetPages<R>(pageSize: number, page: (after: R | undefined) => Promise<R[]>) {
  let after: R | undefined;
  for (;;) {
    const rows = await page(after);
    yield* rows;
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1];
  }
}

/** Integer fen as "12.34" without floating point. */
export function yuanOf(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Epoch ms as "2026-12-03 16:20:00" in China Standard Time. */
export function cstTime(ms: number): string {
  return new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

function csvCell(kind: ColumnKind, v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  let s: string;
  if (kind === 'money') s = yuanOf(Number(v));
  else if (kind === 'time') s = cstTime(Number(v));
  else s = String(v);
  if (kind === 'text' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function xlsxCell(kind: ColumnKind, v: string | number | null | undefined): string | number | null {
  if (v === null || v === undefined) return null;
  // a spreadsheet shows and sums yuan; the figure is exact to the fen (integer fen / 100, two decimals shown)
  if (kind === 'money') return Number(v) / 100;
  if (kind === 'time') return cstTime(Number(v));
  if (kind === 'int') return Number(v);
  const s = String(v);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

async function* csvLines<R>(spec: ExportSpec<R>): AsyncGenerator<string> {
  yield `${BOM}${spec.columns.map((c) => csvCell('text', c.header)).join(',')}\r\n`;
  let batch = '';
  let n = 0;
  for await (const row of spec.rows) {
    batch += `${spec.columns.map((c) => csvCell(c.kind, c.value(row))).join(',')}\r\n`;
    if (++n % 500 === 0) {
      yield batch;
      batch = '';
    }
  }
  if (batch) yield batch;
}

/** The export as a byte stream that pulls rows only as fast as it is read. */
export function exportStream<R>(format: ExportFormat, spec: ExportSpec<R>): Readable {
  if (format === 'csv') return Readable.from(csvLines(spec), { objectMode: false });
  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = book.addWorksheet(spec.name);
  sheet.columns = spec.columns.map((c, i) => ({
    header: c.header,
    key: String(i),
    width: c.width ?? (c.kind === 'time' ? 20 : c.kind === 'text' ? 24 : 12),
    ...(c.kind === 'money' ? { style: { numFmt: '0.00' } } : {}),
  }));
  // exceljs pushes the sheet's XML into the zip's deflate stream without waiting for it; left alone, a fast
  // database and a slower deflate pile up hundreds of MB. So the rows wait while that stream, or the
  // download itself, is behind (the deflate stream is exceljs's internal: where it is missing, only the
  // download's pace counts).
  const behind = (): Writable | undefined => {
    const deflate = (sheet as unknown as { _stream?: { pipes?: Writable[] } })._stream?.pipes?.[0];
    // archiver's streams are readable-stream 2, which has no writableLength getter; a few MB of slack keeps
    // the deflate busy without waiting on it row by row
    const queued = (deflate as { _writableState?: { length?: number } } | undefined)?._writableState?.length;
    if (deflate && (queued ?? 0) > 4 * 1024 * 1024) return deflate;
    return out.writableNeedDrain ? out : undefined;
  };
  const caughtUp = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    for (let w = behind(); w && !out.destroyed; w = behind()) {
      await new Promise<void>((resolve) => {
        const done = () => {
          w.off('drain', done);
          out.off('close', done);
          resolve();
        };
        w.once('drain', done);
        out.once('close', done);
      });
    }
    return !out.destroyed;
  };
  (async () => {
    let n = 0;
    for await (const row of spec.rows) {
      sheet.addRow(spec.columns.map((c) => xlsxCell(c.kind, c.value(row)))).commit();
      if (++n % 200 === 0 && !(await caughtUp())) return;
    }
    sheet.commit();
    await book.commit();
  })().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return out;
}

/** Sends `body` as a download of an export named `<name>-<CST date>.<format>`. */
export function sendExportFile(reply: FastifyReply, format: ExportFormat, name: string, now: number, body: Readable) {
  const file = `${name}-${cstTime(now).slice(0, 10)}.${format}`;
  return reply
    .header('content-type', format === 'csv' ? CSV_MIME : XLSX_MIME)
    .header('content-disposition', `attachment; filename="${file}"`)
    .header('cache-control', 'no-store')
    .send(body);
}

/** Sends the export, streamed as it is read, as a download named `<name>-<CST date>.<format>`. */
export function sendExport<R>(reply: FastifyReply, format: ExportFormat, spec: ExportSpec<R>, now: number) {
  return sendExportFile(reply, format, spec.name, now, exportStream(format, spec));
}
