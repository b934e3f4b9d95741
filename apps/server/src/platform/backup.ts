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
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { DatabaseSync } from 'node:sqlite';
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
const VERSION = 1;

export interface BackupHeader {
  format: typeof FORMAT;
  version: number;
  dialect: 'sqlite' | 'postgres';
  createdAt: string;
  bytes: number;
  sha256: string;
  salt: string;
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

async function sha256File(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** A consistent snapshot of the live database in `file`: SQLite's VACUUM INTO (one read transaction), or pg_dump -Fc. */
async function snapshot(target: BackupTarget, file: string): Promise<'sqlite' | 'postgres'> {
  if (target.databaseUrl) {
    const only = target.pgSchema ? ['-n', target.pgSchema] : [];
    await run('pg_dump', ['-Fc', '--no-owner', '--no-privileges', ...only, '-f', file, '-d', target.databaseUrl]);
    return 'postgres';
  }
  const source = join(target.dataDir, SQLITE_FILE);
  if (!existsSync(source)) throw new BackupError(`no database at ${source}`);
  const db = new DatabaseSync(source, { readOnly: true });
  try {
    db.prepare('VACUUM INTO ?').run(file);
  } finally {
    db.close();
  }
  return 'sqlite';
}

/** Writes one encrypted, checksummed archive of the running shop to `out` (atomically: a partial file is never left under its name). */
export async function writeBackup(target: BackupTarget, out: string): Promise<BackupHeader> {
  const work = mkdtempSync(join(tmpdir(), 'kameng-backup-'));
  const partial = `${out}.partial`;
  try {
    const plain = join(work, 'snapshot');
    const dialect = await snapshot(target, plain);
    const { sha256, bytes } = await sha256File(plain);
    const header: BackupHeader = {
      format: FORMAT,
      version: VERSION,
      dialect,
      createdAt: new Date().toISOString(),
      bytes,
      sha256,
      salt: randomBytes(16).toString('hex'),
    };
    const headerBytes = Buffer.from(JSON.stringify(header));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(headerBytes.length);
    const prefix = Buffer.concat([MAGIC, length, headerBytes]);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', archiveKey(target.masterKey, header.salt), iv);
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
    if (header.format !== FORMAT || header.version !== VERSION) {
      throw new BackupError(`${file}: format ${header.format} version ${header.version} is not one this Kameng reads`);
    }
    return { header, prefix: Buffer.concat([head, headerBytes]) };
  } finally {
    closeSync(fd);
  }
}

/** Deciphers the archive into `plain`, proving the tag (right key, nothing changed) and the checksum. */
async function decipherTo(file: string, masterKey: Buffer, plain: string): Promise<BackupHeader> {
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

/** Restores an archive into an empty DATA_DIR (only a master.key may be there) or an empty PostgreSQL database. */
export async function restoreBackup(target: BackupTarget, from: string): Promise<BackupHeader> {
  const { header } = readBackupHeader(from);
  const want = target.databaseUrl ? 'postgres' : 'sqlite';
  if (header.dialect !== want) {
    throw new BackupError(`${from} is a ${header.dialect} backup; this installation uses ${want}`);
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
    await decipherTo(from, target.masterKey, plain);
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
    return header;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
