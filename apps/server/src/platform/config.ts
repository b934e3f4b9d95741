import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import type { OffsiteConfig } from './offsite.ts';

const onOff = z
  .enum(['on', 'off', 'true', 'false', '1', '0'])
  .transform((v) => v === 'on' || v === 'true' || v === '1');

const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);

/** Every environment variable Kameng reads. Nothing else reads process.env. */
export const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  REDIS_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
  ),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits and _ . : - only (up to 64)')
    .default('kameng:'),
  KAMENG_MASTER_KEY: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes)')
      .optional(),
  ),
  KAMENG_ADMIN_EMAIL: z.preprocess(emptyAsUndefined, z.email().optional()),
  /** the platform's own domain; agents' 分站 are its subdomains (an operator may change it in the console) */
  KAMENG_SITE_DOMAIN: z.string().trim().toLowerCase().min(1).max(253).default('kameng.local'),
  KAMENG_ADMIN_PASSWORD: z.preprocess(emptyAsUndefined, z.string().min(8).max(128).optional()),
  KAMENG_SANDBOX: z.preprocess(emptyAsUndefined, onOff.default(false)),
  KAMENG_WORKERS: z.preprocess(emptyAsUndefined, onOff.default(true)),
  KAMENG_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  KAMENG_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  DATABASE_REPLICA_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  TRUST_PROXY: z.preprocess(emptyAsUndefined, z.string().optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SMTP_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
      .optional(),
  ),
  MAIL_FROM: z.string().default('Kameng <no-reply@kameng.local>'),
  WEB_DIST_DIR: z.preprocess(emptyAsUndefined, z.string().optional()),
  KAMENG_HTTPS: z.preprocess(
    emptyAsUndefined,
    z
      .enum(['auto', 'on', 'off', 'true', 'false', '1', '0'])
      .default('auto')
      .transform((v) => (v === 'auto' ? v : v === 'on' || v === 'true' || v === '1' ? 'on' : 'off')),
  ),
  BACKUP_DIR: z.preprocess(emptyAsUndefined, z.string().optional()),
  BACKUP_KEEP_DAILY: z.coerce.number().int().min(1).max(366).default(7),
  BACKUP_KEEP_WEEKLY: z.coerce.number().int().min(1).max(520).default(4),
  BACKUP_S3_ENDPOINT: z.preprocess(emptyAsUndefined, z.url().optional()),
  BACKUP_S3_BUCKET: z.preprocess(emptyAsUndefined, z.string().optional()),
  BACKUP_S3_REGION: z.string().min(1).default('us-east-1'),
  BACKUP_S3_ACCESS_KEY_ID: z.preprocess(emptyAsUndefined, z.string().optional()),
  BACKUP_S3_SECRET_ACCESS_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
  BACKUP_S3_PREFIX: z.string().default('kameng/'),
  BACKUP_S3_PATH_STYLE: z.preprocess(emptyAsUndefined, onOff.default(true)),
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
  METRICS_TOKEN: z.preprocess(
    emptyAsUndefined,
    z.string().min(16, 'must be at least 16 characters').max(256).optional(),
  ),
  PUBLIC_URL: z.preprocess(
    emptyAsUndefined,
    z
      .url({ protocol: /^https?$/ })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
  ),
});

export type Env = z.infer<typeof envSchema>;

export type TrustProxy = boolean | number | string[];

/**
 * Whether browsers reach the site over HTTPS: `on` and `off` say so; `auto` reads each request's protocol
 * (the socket's, or `X-Forwarded-Proto` from a proxy TRUST_PROXY names).
 */
export type HttpsMode = 'auto' | 'on' | 'off';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** every key (and pub/sub channel) this deployment uses in Redis starts with it */
  redisPrefix: string;
  masterKey: Buffer;
  /** this start wrote a new DATA_DIR/master.key: lose that file and every card key is gone */
  masterKeyGenerated: boolean;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  /** KAMENG_SITE_DOMAIN */
  siteDomain: string;
  sandbox: boolean;
  runWorkers: boolean;
  /** how many API (serve) or worker processes one command starts */
  processes: number;
  /** jobs one worker process runs at once */
  workerConcurrency: number;
  /** read-only catalog queries go here when set (a streaming replica of DATABASE_URL) */
  databaseReplicaUrl: string | undefined;
  /** PostgreSQL connections per process (and again for the replica) */
  databasePoolSize: number;
  rateLimitPerMinute: number;
  trustProxy: TrustProxy;
  logLevel: Env['LOG_LEVEL'];
  smtpUrl: string | undefined;
  mailFrom: string;
  webDistDir: string | undefined;
  bcryptCost: number;
  /** the workers write a daily backup here (the Sunday one kept as weekly); unset: no scheduled backups */
  backupDir: string | undefined;
  backupKeepDaily: number;
  backupKeepWeekly: number;
  /** where each scheduled backup is also copied (BACKUP_S3_*); unset: no off-site copy */
  backupOffsite: OffsiteConfig | undefined;
  /** HTTPS-only headers (CSP `upgrade-insecure-requests`, HSTS) go only to requests served over HTTPS */
  https: HttpsMode;
  /** Bearer token that opens GET /metrics; unset: /metrics answers 404 */
  metricsToken: string | undefined;
  /** the site's address as visitors see it (canonical links, sitemap); unset: taken from each request's Host */
  publicUrl: string | undefined;
}

export class ConfigError extends Error {}

/** `TRUST_PROXY`: unset/false → socket address; `true`; a hop count; or a comma list of proxy IPs/CIDRs. */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  if (raw === undefined || raw === 'false' || raw === '0') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of list) {
    if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(entry) && !['loopback', 'linklocal', 'uniquelocal'].includes(entry)) {
      throw new ConfigError(`TRUST_PROXY: "${entry}" is not an IP address, CIDR range, hop count, true or false`);
    }
  }
  return list;
}

function readMasterKeyFile(dataDir: string): Buffer | undefined {
  const file = join(dataDir, 'master.key');
  if (!existsSync(file)) return undefined;
  const hex = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new ConfigError(`${file} does not hold a 64-hex-character master key`);
  return Buffer.from(hex, 'hex');
}

function loadOrCreateMasterKey(dataDir: string): { key: Buffer; generated: boolean } {
  const existing = readMasterKeyFile(dataDir);
  if (existing) return { key: existing, generated: false };
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(join(dataDir, 'master.key'), `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(join(dataDir, 'master.key'), 0o600);
  return { key, generated: true };
}

/**
 * The master key from KAMENG_MASTER_KEY or DATA_DIR/master.key, never generating one (a restore must open
 * an archive with the key it was made under, not a fresh one), with where the database is.
 */
export function loadExistingMasterKey(
  env: Record<string, string | undefined>,
  cwd = process.cwd(),
): Connections & { masterKey: Buffer } {
  const connections = loadConnections(env, cwd);
  const parsed = envSchema.pick({ KAMENG_MASTER_KEY: true }).safeParse(env);
  if (!parsed.success) throw invalid(parsed.error);
  const hex = parsed.data.KAMENG_MASTER_KEY;
  const masterKey = hex ? Buffer.from(hex, 'hex') : readMasterKeyFile(connections.dataDir);
  if (!masterKey) {
    throw new ConfigError(
      'no master key: set KAMENG_MASTER_KEY (or put master.key in DATA_DIR) to the key the backup was made under',
    );
  }
  return { ...connections, masterKey };
}

function invalid(error: z.ZodError): ConfigError {
  const lines = error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
  return new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

const absolute = (dir: string, cwd: string) => (isAbsolute(dir) ? dir : resolve(cwd, dir));

/** Where the database and Redis are: all a health probe needs. */
export interface Connections {
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
}

/** The connection settings alone, read without loading the master key (a probe must never generate one). */
export function loadConnections(env: Record<string, string | undefined>, cwd = process.cwd()): Connections {
  const parsed = envSchema.pick({ DATA_DIR: true, DATABASE_URL: true, REDIS_URL: true }).safeParse(env);
  if (!parsed.success) throw invalid(parsed.error);
  const e = parsed.data;
  return { dataDir: absolute(e.DATA_DIR, cwd), databaseUrl: e.DATABASE_URL, redisUrl: e.REDIS_URL };
}

function offsiteOf(e: Env): OffsiteConfig | undefined {
  const given = [e.BACKUP_S3_ENDPOINT, e.BACKUP_S3_BUCKET, e.BACKUP_S3_ACCESS_KEY_ID, e.BACKUP_S3_SECRET_ACCESS_KEY];
  if (given.every((v) => v === undefined)) return undefined;
  if (!e.BACKUP_S3_ENDPOINT || !e.BACKUP_S3_BUCKET || !e.BACKUP_S3_ACCESS_KEY_ID || !e.BACKUP_S3_SECRET_ACCESS_KEY) {
    throw new ConfigError(
      'Invalid configuration:\n  BACKUP_S3_*: set all of BACKUP_S3_ENDPOINT, BACKUP_S3_BUCKET, BACKUP_S3_ACCESS_KEY_ID and BACKUP_S3_SECRET_ACCESS_KEY, or none',
    );
  }
  return {
    endpoint: e.BACKUP_S3_ENDPOINT,
    bucket: e.BACKUP_S3_BUCKET,
    region: e.BACKUP_S3_REGION,
    accessKeyId: e.BACKUP_S3_ACCESS_KEY_ID,
    secretAccessKey: e.BACKUP_S3_SECRET_ACCESS_KEY,
    prefix: e.BACKUP_S3_PREFIX,
    forcePathStyle: e.BACKUP_S3_PATH_STYLE,
  };
}

/** Parses the environment once. Throws ConfigError with every problem listed. */
export function loadConfig(env: Record<string, string | undefined>, cwd = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw invalid(parsed.error);
  const e = parsed.data;
  if (e.DATABASE_REPLICA_URL && !e.DATABASE_URL) {
    throw new ConfigError('Invalid configuration:\n  DATABASE_REPLICA_URL: needs DATABASE_URL (a replica of what?)');
  }
  const dataDir = absolute(e.DATA_DIR, cwd);
  const master = e.KAMENG_MASTER_KEY
    ? { key: Buffer.from(e.KAMENG_MASTER_KEY, 'hex'), generated: false }
    : loadOrCreateMasterKey(dataDir);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    masterKey: master.key,
    masterKeyGenerated: master.generated,
    adminEmail: e.KAMENG_ADMIN_EMAIL,
    adminPassword: e.KAMENG_ADMIN_PASSWORD,
    siteDomain: e.KAMENG_SITE_DOMAIN,
    sandbox: e.KAMENG_SANDBOX,
    runWorkers: e.KAMENG_WORKERS,
    processes: e.KAMENG_PROCESSES,
    workerConcurrency: e.KAMENG_WORKER_CONCURRENCY,
    databaseReplicaUrl: e.DATABASE_REPLICA_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    logLevel: e.LOG_LEVEL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    webDistDir: e.WEB_DIST_DIR,
    bcryptCost: e.BCRYPT_COST,
    backupDir: e.BACKUP_DIR ? absolute(e.BACKUP_DIR, cwd) : undefined,
    backupKeepDaily: e.BACKUP_KEEP_DAILY,
    backupKeepWeekly: e.BACKUP_KEEP_WEEKLY,
    backupOffsite: offsiteOf(e),
    https: e.KAMENG_HTTPS,
    metricsToken: e.METRICS_TOKEN,
    publicUrl: e.PUBLIC_URL,
  };
}
