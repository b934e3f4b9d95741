import { spawn } from 'node:child_process';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  closeSync,
  copyFileSync,
  createReadStream,
  createWriteStream,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { backup, DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { deriveKey } from './crypto.ts';
import { SQLITE_FILE } from './db/database.ts';

/**
 * One backup archive: `KAMENG-BACKUP\n`, a 4-byte big-endian header length, the JSON header (format,
 * version, dialect, when, the snapshot's size and SHA-256, the key salt), a 12-byte IV, the snapshot
 * enciphered with AES-256-GCM under a key derived from the master key and the salt, and the 16-byte tag.
 * The magic and header are the cipher's associated data: a changed header fails the tag.
 */
const MAGIC = Buffer.from('KAMENG-BACKUP\n');
const FORMAT = 'kameng-backup';
/** 1: a full snapshot; 2: a SQLite incremental (an older Kameng refuses it rather than restoring it as a full) */
const VERSION = 1;
const INCREMENTAL_VERSION = 2;

export interface BackupHeader {
  format: typeof FORMAT;
  version: number;
  dialect: 'sqlite' | 'postgres';
  createdAt: string;
  /** the enciphered payload's size and SHA-256 (a full: the database snapshot itself) */
  bytes: number;
  sha256: string;
  salt: string;
  /** absent in archives made before incrementals: a full */
  kind?: 'full' | 'incremental';
  /** SQLite: the page size of the snapshot (a full) or of the pages carried (an incremental) */
  pageSize?: number;
  /** an incremental: the SHA-256 of its chain's full snapshot, its place after it (1, 2, …), the SHA-256 of the
   * database it applies onto (the full, or the state the previous incremental left) and of the one it leaves,
   * and the number of pages that database has */
  chain?: string;
  seq?: number;
  parentSha256?: string;
  resultSha256?: string;
  pageCount?: number;
}

export interface BackupTarget {
  dataDir: string;
  databaseUrl: string | undefined;
  /** one PostgreSQL schema instead of the whole database (tests isolate themselves this way) */
  pgSchema?: string;
  masterKey: Buffer;
}

export class BackupError extends Error {}

const archiveKey = (masterKey: Buffer, salt: string) => deriveKey(masterKey, `backup:${salt}`);

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new BackupError(`${cmd} failed (${code}): ${err.trim()}`)),
    );
  });
}

export async function sha256File(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * A consistent copy of the live SQLite database in `file`, page for page (SQLite's online backup API in one step:
 * one read transaction, so writers carry on and the copy is one committed state). Page N of the copy is page N of
 * the database, which is what lets an incremental carry only the pages that changed.
 */
export async function sqliteSnapshot(dataDir: string, file: string): Promise<void> {
  const source = join(dataDir, SQLITE_FILE);
  if (!existsSync(source)) throw new BackupError(`no database at ${source}`);
  const db = new DatabaseSync(source, { readOnly: true });
  try {
    await backup(db, file, { rate: 2 ** 31 - 1 });
  } finally {
    db.close();
  }
}

/** The page size a SQLite file's header states (bytes 16–17; 1 means 65536). */
export function sqlitePageSize(file: string): number {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(100);
    readSync(fd, head, 0, 100, 0);
    if (!head.subarray(0, 16).equals(Buffer.from('SQLite format 3\0')))
      throw new BackupError(`${file}: not a SQLite database`);
    const n = head.readUInt16BE(16);
    return n === 1 ? 65536 : n;
  } finally {
    closeSync(fd);
  }
}

/** A consistent snapshot of the live database in `file`: SQLite's backup API (one read transaction), or pg_dump -Fc. */
async function snapshot(target: BackupTarget, file: string): Promise<'sqlite' | 'postgres'> {
  if (target.databaseUrl) {
    const only = target.pgSchema ? ['-n', target.pgSchema] : [];
    await run('pg_dump', ['-Fc', '--no-owner', '--no-privileges', ...only, '-f', file, '-d', target.databaseUrl]);
    return 'postgres';
  }
  await sqliteSnapshot(target.dataDir, file);
  return 'sqlite';
}

type HeaderFields = Omit<BackupHeader, 'format' | 'version' | 'createdAt' | 'bytes' | 'sha256' | 'salt'>;

/** Enciphers `plain` into the archive `out` (atomically) with a header of `fields` and the payload's checksum. */
export async function sealArchive(
  masterKey: Buffer,
  plain: string,
  fields: HeaderFields,
  out: string,
): Promise<BackupHeader> {
  const partial = `${out}.partial`;
  try {
    const { sha256, bytes } = await sha256File(plain);
    const header: BackupHeader = {
      format: FORMAT,
      version: fields.kind === 'incremental' ? INCREMENTAL_VERSION : VERSION,
      createdAt: new Date().toISOString(),
      bytes,
      sha256,
      salt: randomBytes(16).toString('hex'),
      ...fields,
    };
    const headerBytes = Buffer.from(JSON.stringify(header));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(headerBytes.length);
    const prefix = Buffer.concat([MAGIC, length, headerBytes]);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', archiveKey(masterKey, header.salt), iv);
    cipher.setAAD(prefix);
    const sink = createWriteStream(partial, { mode: 0o600, flags: 'w' });
    sink.write(prefix);
    sink.write(iv);
    for await (const chunk of createReadStream(plain)) {
      if (!sink.write(cipher.update(chunk as Buffer))) await once(sink, 'drain');
    }
    sink.write(cipher.final());
    sink.end(cipher.getAuthTag());
    await finished(sink);
    renameSync(partial, out);
    return header;
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
}

/** Writes one encrypted, checksummed full archive of the running shop to `out` (atomically: a partial file is never left under its name). */
export async function writeBackup(target: BackupTarget, out: string): Promise<BackupHeader> {
  const work = mkdtempSync(join(tmpdir(), 'kameng-backup-'));
  try {
    const plain = join(work, 'snapshot');
    const dialect = await snapshot(target, plain);
    return await sealArchive(
      target.masterKey,
      plain,
      { dialect, kind: 'full', ...(dialect === 'sqlite' ? { pageSize: sqlitePageSize(plain) } : {}) },
      out,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Reads and checks an archive's header without the key. */
export function readBackupHeader(file: string): { header: BackupHeader; prefix: Buffer } {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(MAGIC.length + 4);
    if (size < head.length + 28 || readSync(fd, head, 0, head.length, 0) !== head.length) {
      throw new BackupError(`${file} is not a Kameng backup (too short)`);
    }
    if (!head.subarray(0, MAGIC.length).equals(MAGIC)) throw new BackupError(`${file} is not a Kameng backup`);
    const n = head.readUInt32BE(MAGIC.length);
    if (n > 64 * 1024 || head.length + n + 28 > size) throw new BackupError(`${file}: damaged header`);
    const headerBytes = Buffer.alloc(n);
    readSync(fd, headerBytes, 0, n, head.length);
    let header: BackupHeader;
    try {
      header = JSON.parse(headerBytes.toString('utf8'));
    } catch {
      throw new BackupError(`${file}: damaged header`);
    }
    if (header.format !== FORMAT || (header.version !== VERSION && header.version !== INCREMENTAL_VERSION)) {
      throw new BackupError(`${file}: format ${header.format} version ${header.version} is not one this Kameng reads`);
    }
    return { header, prefix: Buffer.concat([head, headerBytes]) };
  } finally {
    closeSync(fd);
  }
}

/** Deciphers the archive into `plain`, proving the tag (right key, nothing changed) and the checksum. */
export async function decipherTo(file: string, masterKey: Buffer, plain: string): Promise<BackupHeader> {
  const { header, prefix } = readBackupHeader(file);
  const fd = openSync(file, 'r');
  const size = fstatSync(fd).size;
  const iv = Buffer.alloc(12);
  const tag = Buffer.alloc(16);
  readSync(fd, iv, 0, 12, prefix.length);
  readSync(fd, tag, 0, 16, size - 16);
  closeSync(fd);
  const decipher = createDecipheriv('aes-256-gcm', archiveKey(masterKey, header.salt), iv);
  decipher.setAAD(prefix);
  decipher.setAuthTag(tag);
  const hash = createHash('sha256');
  const sink = createWriteStream(plain, { mode: 0o600 });
  const start = prefix.length + 12;
  const end = size - 17;
  if (end >= start) {
    for await (const chunk of createReadStream(file, { start, end })) {
      const piece = decipher.update(chunk as Buffer);
      hash.update(piece);
      if (!sink.write(piece)) await once(sink, 'drain');
    }
  }
  try {
    const tail = decipher.final();
    hash.update(tail);
    sink.end(tail);
  } catch {
    // let the writes already queued finish (destroying the stream under them is an uncaught error), then take
    // away what was decrypted: it was never authenticated
    sink.end();
    await finished(sink).catch(() => {});
    rmSync(plain, { force: true });
    throw new BackupError(`${file}: the archive does not open with this master key, or it was changed`);
  }
  await finished(sink);
  if (hash.digest('hex') !== header.sha256) throw new BackupError(`${file}: checksum mismatch`);
  return header;
}

async function postgresTables(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query(
      `select count(*)::int as n from information_schema.tables
       where table_schema not in ('pg_catalog', 'information_schema') and table_schema not like 'pg_toast%'`,
    );
    return r.rows[0].n as number;
  } finally {
    await client.end();
  }
}

/** The state a chain leaves: the full's snapshot SHA-256, or the last incremental's result. */
const stateOf = (h: BackupHeader) => (h.kind === 'incremental' ? (h.resultSha256 as string) : h.sha256);

/** Writes an incremental's pages (4-byte page number, then the page) over the database `file`, then its length. */
async function applyPages(file: string, payload: string, h: BackupHeader, name: string): Promise<void> {
  const pageSize = h.pageSize as number;
  const record = 4 + pageSize;
  const fd = openSync(file, 'r+');
  try {
    let carry: Buffer = Buffer.alloc(0);
    for await (const chunk of createReadStream(payload, { highWaterMark: record * 64 })) {
      carry = carry.length ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
      let at = 0;
      for (; at + record <= carry.length; at += record) {
        const page = carry.readUInt32BE(at);
        if (page < 1 || page > (h.pageCount as number)) throw new BackupError(`${name}: page ${page} out of range`);
        writeSync(fd, carry, at + 4, pageSize, (page - 1) * pageSize);
      }
      carry = carry.subarray(at);
    }
    if (carry.length) throw new BackupError(`${name}: damaged incremental (a partial page)`);
    ftruncateSync(fd, (h.pageCount as number) * pageSize);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Rebuilds the database a chain describes into `into`: the full, then each incremental in order. Every archive is
 * authenticated and checksummed as it opens; each incremental must belong to this full, come next (1, 2, …) and
 * apply onto exactly the state the previous one left, and the result must have the SHA-256 it recorded. A missing,
 * reordered, foreign or changed incremental is refused by name. Returns the last archive's header.
 */
export async function rebuildChain(masterKey: Buffer, files: string[], into: string): Promise<BackupHeader> {
  const [first, ...rest] = files;
  if (!first) throw new BackupError('no archive given');
  const full = readBackupHeader(first).header;
  if (full.kind === 'incremental') {
    throw new BackupError(`${first} is an incremental: a restore starts from its full, then its incrementals in order`);
  }
  if (rest.length > 0 && full.dialect !== 'sqlite') throw new BackupError('incrementals are SQLite only');
  await decipherTo(first, masterKey, into);
  let last = full;
  for (const [i, file] of rest.entries()) {
    const h = readBackupHeader(file).header;
    if (h.kind !== 'incremental') throw new BackupError(`${file} is a full: give one full, then its incrementals`);
    if (h.chain !== full.sha256) throw new BackupError(`${file} is an incremental of another full, not of ${first}`);
    if (h.seq !== i + 1 || h.parentSha256 !== stateOf(last)) {
      throw new BackupError(
        `${file} is incremental #${h.seq} of its full, but #${i + 1} comes next after ${i === 0 ? first : rest[i - 1]}: ` +
          'an incremental is missing or out of order',
      );
    }
    const payload = `${into}.pages`;
    try {
      await decipherTo(file, masterKey, payload);
      await applyPages(into, payload, h, file);
    } finally {
      rmSync(payload, { force: true });
    }
    if ((await sha256File(into)).sha256 !== h.resultSha256) {
      throw new BackupError(`${file}: the database it leaves does not match its checksum`);
    }
    last = h;
  }
  return last;
}

/**
 * Writes a SQLite incremental on top of `chain` (a full and the incrementals after it, in order) to `out`: the pages
 * of the live database that differ from the state the chain leaves (compared byte for byte with the chain rebuilt,
 * which also proves the chain restores), enciphered and checksummed like a full.
 */
export async function writeIncremental(target: BackupTarget, chain: string[], out: string): Promise<BackupHeader> {
  if (target.databaseUrl) {
    throw new BackupError('incrementals are SQLite only: on PostgreSQL use WAL archiving (docs/deploy.md#backups)');
  }
  const work = mkdtempSync(join(tmpdir(), 'kameng-incremental-'));
  try {
    const base = join(work, 'base');
    const last = await rebuildChain(target.masterKey, chain, base);
    const full = readBackupHeader(chain[0] as string).header;
    const now = join(work, 'now');
    await sqliteSnapshot(target.dataDir, now);
    const pageSize = sqlitePageSize(now);
    if (pageSize !== sqlitePageSize(base)) throw new BackupError('the page size changed since the full: make a full');
    const pages = join(work, 'pages');
    const a = openSync(now, 'r');
    const b = openSync(base, 'r');
    const sink = createWriteStream(pages, { mode: 0o600 });
    let pageCount = 0;
    try {
      const mine = Buffer.alloc(pageSize);
      const theirs = Buffer.alloc(pageSize);
      for (let page = 1; ; page++) {
        const got = readSync(a, mine, 0, pageSize, (page - 1) * pageSize);
        if (got === 0) break;
        if (got !== pageSize) throw new BackupError('the snapshot ends in a partial page');
        pageCount = page;
        const had = readSync(b, theirs, 0, pageSize, (page - 1) * pageSize);
        if (had === pageSize && mine.equals(theirs)) continue;
        const no = Buffer.alloc(4);
        no.writeUInt32BE(page);
        sink.write(no);
        if (!sink.write(Buffer.from(mine))) await once(sink, 'drain');
      }
    } finally {
      closeSync(a);
      closeSync(b);
      sink.end();
      await finished(sink);
    }
    return await sealArchive(
      target.masterKey,
      pages,
      {
        dialect: 'sqlite',
        kind: 'incremental',
        pageSize,
        chain: full.sha256,
        seq: chain.length,
        parentSha256: stateOf(last),
        resultSha256: (await sha256File(now)).sha256,
        pageCount,
      },
      out,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Restores an archive — or a SQLite full followed by its incrementals, in order — into an empty DATA_DIR (only a
 * master.key may be there) or an empty PostgreSQL database.
 */
export async function restoreBackup(target: BackupTarget, from: string | string[]): Promise<BackupHeader> {
  const files = typeof from === 'string' ? [from] : from;
  const first = files[0];
  if (!first) throw new BackupError('no archive given');
  const { header } = readBackupHeader(first);
  const want = target.databaseUrl ? 'postgres' : 'sqlite';
  if (header.dialect !== want) {
    throw new BackupError(`${first} is a ${header.dialect} backup; this installation uses ${want}`);
  }
  if (target.databaseUrl) {
    if ((await postgresTables(target.databaseUrl)) > 0) {
      throw new BackupError('refusing to restore: the database is not empty (restore into an empty database)');
    }
  } else if (existsSync(target.dataDir)) {
    const present = readdirSync(target.dataDir).filter((f) => f !== 'master.key');
    if (present.length > 0) {
      throw new BackupError(`refusing to restore: ${target.dataDir} is not empty (${present.slice(0, 3).join(', ')})`);
    }
  }
  const work = mkdtempSync(join(tmpdir(), 'kameng-restore-'));
  try {
    const plain = join(work, 'snapshot');
    const last = await rebuildChain(target.masterKey, files, plain);
    if (target.databaseUrl) {
      await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '-d', target.databaseUrl, plain]);
    } else {
      mkdirSync(target.dataDir, { recursive: true });
      const staged = join(target.dataDir, `${SQLITE_FILE}.restoring`);
      try {
        copyFileSync(plain, staged);
        renameSync(staged, join(target.dataDir, SQLITE_FILE));
      } finally {
        rmSync(staged, { force: true });
      }
    }
    return last;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
