import type { DatabaseSync } from 'node:sqlite';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  RawNode,
  SelectQueryNode,
  SqliteDialect,
  type SqliteDatabase,
} from 'kysely';

type Sqlite = SqliteDatabase & { raw: DatabaseSync };

/** How many transactions, and how many milliseconds after the first, one commit may gather at most. */
export interface GroupCommitLimits {
  maxTransactions: number;
  maxWaitMs: number;
}

const DEFAULT_LIMITS: GroupCommitLimits = { maxTransactions: 64, maxWaitMs: 4 };

/**
 * Group commit for the embedded database. With `synchronous=FULL` every commit waits for an fsync of the
 * WAL, and node:sqlite waits on the main thread, so one fsync per transaction caps the whole server at the
 * disk's flush rate. Here the transactions the server runs one after another on its one write connection
 * share a commit: the first opens a real `BEGIN IMMEDIATE`, each runs inside a savepoint of it (a rollback
 * undoes only its own savepoint), and the real `COMMIT` runs when no one else is waiting for the write
 * connection, or after `maxTransactions` / `maxWaitMs`.
 *
 * Durability and visibility are unchanged for callers:
 * - a transaction's promise resolves only after the COMMIT that made it durable; if that COMMIT fails
 *   (or SQLite abandons the open transaction), every transaction that joined it rejects;
 * - reads outside a transaction run on a second, read-only connection to the same file. In WAL mode it sees
 *   only committed (so durable) data, never a group still gathering, and it never waits for the writer;
 * - a write outside a transaction joins the open group and answers once that group is committed;
 * - a transaction sees the transactions before it in its group (they ran before it on the connection) and
 *   is acknowledged together with them or after them, never before: a job worker that claims a job queued
 *   in the same group starts the job only once the claim, and so the enqueueing transaction, is on disk.
 * Other processes sharing the file see the usual single writer: one `BEGIN IMMEDIATE` … `COMMIT` at a time.
 */
export class GroupCommitDialect extends SqliteDialect {
  readonly #writer: Sqlite;
  readonly #reader: Sqlite;
  readonly #limits: GroupCommitLimits;
  constructor(writer: Sqlite, reader: Sqlite, limits: Partial<GroupCommitLimits> = {}) {
    super({ database: writer });
    this.#writer = writer;
    this.#reader = reader;
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
  }
  override createDriver(): GroupCommitDriver {
    return new GroupCommitDriver(this.#writer, this.#reader, this.#limits);
  }
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

/** One use of the database by Kysely: passed back to begin, commit, rollback and release. */
class Lease implements DatabaseConnection {
  /** holds the write connection */
  holds = false;
  inTransaction = false;
  readonly driver: GroupCommitDriver;
  constructor(driver: GroupCommitDriver) {
    this.driver = driver;
  }
  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.driver.execute<R>(this, query);
  }
  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    yield* this.driver.stream<R>(this, query);
  }
}

/** A statement that only reads: Kysely's selects, and raw SQL that starts with SELECT. */
function readsOnly(query: CompiledQuery): boolean {
  if (SelectQueryNode.is(query.query)) return true;
  return RawNode.is(query.query) && /^\s*select\b/i.test(query.sql);
}

export class GroupCommitDriver implements Driver {
  readonly #db: Sqlite;
  readonly #reader: Sqlite;
  readonly #limits: GroupCommitLimits;
  #locked = false;
  readonly #queue: Array<() => void> = [];
  /** a real transaction is open and gathering */
  #open = false;
  #openedAt = 0;
  #joined = 0;
  #waiting: Waiter[] = [];
  #flushScheduled = false;
  /** commits actually run, and transactions they carried (for tests and the benchmark) */
  readonly stats = { commits: 0, transactions: 0 };

  constructor(db: Sqlite, reader: Sqlite, limits: GroupCommitLimits) {
    this.#db = db;
    this.#reader = reader;
    this.#limits = limits;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    // the write connection is taken only when a transaction begins or a statement writes
    return new Lease(this);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = this.#own(connection);
    if (!lease.holds) await this.#lock(lease);
    if (!this.#open) {
      this.#db.raw.exec('BEGIN IMMEDIATE');
      this.#open = true;
      this.#openedAt = performance.now();
      this.#joined = 0;
    }
    this.#db.raw.exec('SAVEPOINT kameng_tx');
    lease.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = this.#own(connection);
    lease.inTransaction = false;
    if (!this.#open) throw new Error('the transaction was abandoned by the database');
    this.#db.raw.exec('RELEASE kameng_tx');
    this.#joined++;
    this.stats.transactions++;
    const durable = this.#durable();
    this.#handOff(lease);
    await durable;
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = this.#own(connection);
    lease.inTransaction = false;
    if (!this.#open) return; // SQLite already rolled the whole group back; #abort failed the others
    this.#db.raw.exec('ROLLBACK TO kameng_tx');
    this.#db.raw.exec('RELEASE kameng_tx');
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    this.#savepointCommand(connection, `SAVEPOINT ${quote(name)}`);
  }
  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    this.#savepointCommand(connection, `ROLLBACK TO ${quote(name)}`);
  }
  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    this.#savepointCommand(connection, `RELEASE ${quote(name)}`);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const lease = this.#own(connection);
    if (lease.holds) this.#handOff(lease);
  }

  async destroy(): Promise<void> {
    if (this.#open && !this.#locked) this.#commit();
    else if (this.#open) {
      // closed in the middle of a transaction: nothing of the group may half-commit
      this.#db.raw.exec('ROLLBACK');
      this.#abort(new Error('the database was closed'));
    }
    this.#reader.close();
    this.#db.close();
  }

  async execute<R>(lease: Lease, query: CompiledQuery): Promise<QueryResult<R>> {
    if (lease.inTransaction) return run<R>(this.#db, query, () => this.#checkAbandoned());
    if (readsOnly(query)) return run<R>(this.#reader, query);
    // a write outside a transaction: joins the open group, if any, and answers once it is committed
    if (!lease.holds) await this.#lock(lease);
    const result = run<R>(this.#db, query, () => this.#checkAbandoned());
    if (!this.#open) return result;
    const durable = this.#durable();
    this.#handOff(lease);
    await durable;
    return result;
  }

  async *stream<R>(lease: Lease, query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(query.query)) throw new Error('only selects can be streamed');
    const stmt = (lease.inTransaction ? this.#db : this.#reader).prepare(query.sql);
    for (const row of stmt.iterate(query.parameters)) yield { rows: [row as R] };
  }

  /** Some errors (a full disk, an I/O error, RAISE(ROLLBACK)) make SQLite abandon the open transaction. */
  #checkAbandoned(): void {
    if (this.#open && !this.#db.raw.isTransaction) {
      this.#abort(new Error('the database abandoned the open transaction'));
    }
  }

  #savepointCommand(connection: DatabaseConnection, text: string): void {
    const lease = this.#own(connection);
    if (!lease.inTransaction) throw new Error('a savepoint needs a transaction');
    this.#db.raw.exec(text);
  }

  #durable(): Promise<void> {
    return new Promise<void>((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  /**
   * Gives the write connection to the next in line. A full group commits at once; when no one is waiting,
   * the commit runs after the work already queued in this turn of the event loop (requests read off the
   * same sockets, say) has had its chance to join.
   */
  #handOff(lease: Lease): void {
    lease.holds = false;
    if (
      this.#open &&
      (this.#joined >= this.#limits.maxTransactions || performance.now() - this.#openedAt >= this.#limits.maxWaitMs)
    ) {
      this.#commit();
    }
    const next = this.#queue.shift();
    if (next) {
      next();
      return;
    }
    this.#locked = false;
    if (this.#open && !this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => {
        this.#flushScheduled = false;
        // someone took the connection meanwhile: their hand-off decides
        if (this.#open && !this.#locked) this.#commit();
      });
    }
  }

  #commit(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    this.#open = false;
    try {
      this.#db.raw.exec('COMMIT');
    } catch (err) {
      if (this.#db.raw.isTransaction) this.#db.raw.exec('ROLLBACK');
      for (const w of waiting) w.reject(err);
      return;
    }
    this.stats.commits++;
    for (const w of waiting) w.resolve();
  }

  #abort(cause: Error): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    this.#open = false;
    const failure = new Error('the database abandoned a group of transactions; none of them was committed', {
      cause,
    });
    for (const w of waiting) w.reject(failure);
  }

  async #lock(lease: Lease): Promise<void> {
    if (this.#locked) await new Promise<void>((resolve) => this.#queue.push(resolve));
    else this.#locked = true;
    lease.holds = true;
  }

  #own(connection: DatabaseConnection): Lease {
    if (!(connection instanceof Lease) || connection.driver !== this)
      throw new Error('not a connection of this driver');
    return connection;
  }
}

function run<R>(db: Sqlite, query: CompiledQuery, onError?: () => void): QueryResult<R> {
  const stmt = db.prepare(query.sql);
  try {
    if (stmt.reader) return { rows: stmt.all(query.parameters) as R[] };
    const { changes, lastInsertRowid } = stmt.run(query.parameters);
    return {
      numAffectedRows: changes === undefined || changes === null ? undefined : BigInt(changes),
      insertId: lastInsertRowid === undefined || lastInsertRowid === null ? undefined : BigInt(lastInsertRowid),
      rows: [],
    };
  } catch (err) {
    onError?.();
    throw err;
  }
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
