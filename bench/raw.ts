/**
 * The limit: the minimal purchase transaction in plain SQL on the same database engine, so a report can say
 * what share of it Kameng's purchase reaches in the same run. One purchase = one transaction:
 *
 *   insert the order row
 *   take the oldest available key of the product   PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: the writer lock
 *   mark it sold to the order
 *   take one from the product's stock counter       `… where available >= 1`, the row count checked
 *   commit                                          SQLite: WAL, synchronous=FULL, like Kameng's
 *
 * No Kysely, no ledger, no HTTP. PostgreSQL runs in a schema of its own inside the benchmark's database with
 * `concurrency` clients (the issue measured 50); SQLite in a file of its own beside Kameng's (the same disk),
 * one connection, transactions one after another (node:sqlite waits on its thread: lanes would not overlap).
 * Reads a job from the JSON file named on the command line and prints one JSON result line on stdout.
 */
import { readFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { Samples } from './lib/stats.ts';

export interface RawJob {
  dialect: 'sqlite' | 'postgres';
  databaseUrl?: string;
  sqliteFile?: string;
  concurrency: number;
  durationS: number;
  runs: number;
  products: number;
  keysPerProduct: number;
}

export interface RawRun {
  purchases: number;
  failures: number;
  durationS: number;
  perS: number;
  /** CPU seconds this process used during the run (SQLite: the whole transaction runs here) */
  cpuS: number;
  latency: { p50: number; p95: number; p99: number; max: number };
}

const DDL = [
  'create table raw_orders (id bigint primary key, product_id int not null, key_id bigint, created_at bigint not null)',
  'create table raw_keys (id bigint primary key, product_id int not null, status text not null, order_id bigint)',
  'create index raw_keys_stock on raw_keys (product_id, status, id)',
  'create table raw_stock (product_id int primary key, available int not null)',
];

async function runPostgres(job: RawJob): Promise<RawRun[]> {
  const schema = `bench_raw_${process.pid}`;
  const pool = new pg.Pool({
    connectionString: job.databaseUrl,
    max: job.concurrency,
    options: `-c search_path=${schema}`,
  });
  await pool.query(`create schema ${schema}`);
  for (const ddl of DDL) await pool.query(ddl);
  await pool.query(
    `insert into raw_keys (id, product_id, status) select g, g % $1, 'available' from generate_series(1, $2::int) g`,
    [job.products, job.products * job.keysPerProduct],
  );
  await pool.query(
    'insert into raw_stock (product_id, available) select p, $2 from generate_series(0, $1::int - 1) p',
    [job.products, job.keysPerProduct],
  );
  await pool.query('vacuum analyze raw_keys');
  let orderSeq = 0;
  const buy = async (productId: number) => {
    const c = await pool.connect();
    try {
      const orderId = ++orderSeq;
      await c.query('begin');
      await c.query({
        name: 'raw_order',
        text: 'insert into raw_orders (id, product_id, created_at) values ($1, $2, $3)',
        values: [orderId, productId, Date.now()],
      });
      const k = await c.query({
        name: 'raw_pick',
        text: "select id from raw_keys where product_id = $1 and status = 'available' order by id limit 1 for update skip locked",
        values: [productId],
      });
      if (k.rowCount !== 1) throw new Error('out of keys');
      await c.query({
        name: 'raw_sell',
        text: "update raw_keys set status = 'sold', order_id = $2 where id = $1",
        values: [k.rows[0].id, orderId],
      });
      const s = await c.query({
        name: 'raw_stock',
        text: 'update raw_stock set available = available - 1 where product_id = $1 and available >= 1',
        values: [productId],
      });
      if (s.rowCount !== 1) throw new Error('out of stock');
      await c.query('commit');
    } catch (err) {
      await c.query('rollback').catch(() => {});
      throw err;
    } finally {
      c.release();
    }
  };
  try {
    return await measure(job, buy);
  } finally {
    await pool.query(`drop schema ${schema} cascade`).catch(() => {});
    await pool.end();
  }
}

async function runSqlite(job: RawJob): Promise<RawRun[]> {
  const db = new DatabaseSync(job.sqliteFile!);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = FULL');
  db.exec('PRAGMA cache_size = -32768');
  for (const ddl of DDL) db.exec(ddl);
  db.exec('begin');
  const addKey = db.prepare("insert into raw_keys (id, product_id, status) values (?, ?, 'available')");
  for (let i = 1; i <= job.products * job.keysPerProduct; i++) addKey.run(i, i % job.products);
  const addStock = db.prepare('insert into raw_stock (product_id, available) values (?, ?)');
  for (let p = 0; p < job.products; p++) addStock.run(p, job.keysPerProduct);
  db.exec('commit');
  const insertOrder = db.prepare('insert into raw_orders (id, product_id, created_at) values (?, ?, ?)');
  const pick = db.prepare("select id from raw_keys where product_id = ? and status = 'available' order by id limit 1");
  const sell = db.prepare("update raw_keys set status = 'sold', order_id = ? where id = ?");
  const take = db.prepare('update raw_stock set available = available - 1 where product_id = ? and available >= 1');
  let orderSeq = 0;
  const buy = async (productId: number) => {
    const orderId = ++orderSeq;
    db.exec('begin immediate');
    try {
      insertOrder.run(orderId, productId, Date.now());
      const k = pick.get(productId) as { id: number } | undefined;
      if (!k) throw new Error('out of keys');
      sell.run(orderId, k.id);
      if (take.run(productId).changes !== 1) throw new Error('out of stock');
      db.exec('commit');
    } catch (err) {
      db.exec('rollback');
      throw err;
    }
  };
  try {
    return await measure({ ...job, concurrency: 1 }, buy);
  } finally {
    db.close();
  }
}

async function measure(job: RawJob, buy: (productId: number) => Promise<void>): Promise<RawRun[]> {
  const runs: RawRun[] = [];
  let n = 0;
  for (let r = 0; r < job.runs; r++) {
    const latency = new Samples();
    let purchases = 0;
    let failures = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const end = t0 + job.durationS * 1000;
    const lane = async () => {
      while (performance.now() < end) {
        const s = performance.now();
        try {
          await buy(n++ % job.products);
          purchases++;
          latency.add(performance.now() - s);
        } catch {
          failures++;
        }
        // SQLite's lane never yields otherwise: let timers (the parent's CPU sampling) run
        if (job.dialect === 'sqlite' && purchases % 256 === 0) await new Promise((res) => setImmediate(res));
      }
    };
    await Promise.all(Array.from({ length: job.concurrency }, lane));
    const durationS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    runs.push({
      purchases,
      failures,
      durationS,
      perS: purchases / durationS,
      cpuS: (cpu.user + cpu.system) / 1e6,
      latency: latency.summary(),
    });
  }
  return runs;
}

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as RawJob;
const runs = job.dialect === 'postgres' ? await runPostgres(job) : await runSqlite(job);
process.stdout.write(`${JSON.stringify({ runs })}\n`);
