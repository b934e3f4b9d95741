/**
 * A structural check of a compose file where `docker compose config` is not available: valid YAML (with
 * merge keys), the services Kameng's stack needs, every image/build, depends_on, volume, env_file and
 * bind-mounted file resolvable, ports well-formed. Also what `docker compose config` cannot know: no
 * password or key written into the file (they come from deploy/.env or the environment), Kameng's
 * containers given longer to stop than their shutdown drain, and no HTTP health check on a worker, which
 * opens no port. Exits 1 with every problem listed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

const file = process.argv[2] ?? 'deploy/docker-compose.yml';
const base = dirname(resolve(file));
const doc = parse(readFileSync(file, 'utf8'), { merge: true }) as Record<string, unknown>;
const problems: string[] = [];
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const services = isObj(doc.services) ? doc.services : {};
const volumes = isObj(doc.volumes) ? doc.volumes : {};
for (const need of ['app', 'worker', 'postgres', 'redis', 'nginx']) {
  if (!(need in services)) problems.push(`services.${need} is missing`);
}
const allowed = new Set([
  'image',
  'build',
  'command',
  'entrypoint',
  'environment',
  'env_file',
  'volumes',
  'ports',
  'depends_on',
  'healthcheck',
  'restart',
  'deploy',
  'networks',
  'expose',
  'user',
  'working_dir',
  'labels',
  'stop_grace_period',
]);

/** Kameng's processes drain for up to 35 s on SIGTERM (apps/server/src/process.ts). */
const DRAIN_SECONDS = 35;
const SECRET_NAME = /PASSWORD|SECRET|TOKEN|MASTER_KEY/i;
const interpolated = (v: string) => /^\$\{[A-Za-z_][A-Za-z0-9_]*(:?[-?][^}]*)?\}$/.test(v);

/** Compose durations: 45s, 1m30s, 2m, 500ms. */
function seconds(v: unknown): number | undefined {
  const m = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(String(v));
  if (!m || String(v) === '') return undefined;
  const [, h, min, s, ms] = m.map((x) => Number(x ?? 0));
  return (h ?? 0) * 3600 + (min ?? 0) * 60 + (s ?? 0) + (ms ?? 0) / 1000;
}

function environment(raw: unknown): [string, string][] {
  if (Array.isArray(raw)) {
    return raw.map((e) => {
      const [k, ...v] = String(e).split('=');
      return [k ?? '', v.join('=')];
    });
  }
  return isObj(raw) ? Object.entries(raw).map(([k, v]) => [k, String(v ?? '')]) : [];
}
for (const [name, raw] of Object.entries(services)) {
  if (!isObj(raw)) {
    problems.push(`services.${name} is not a mapping`);
    continue;
  }
  for (const key of Object.keys(raw)) if (!allowed.has(key)) problems.push(`services.${name}.${key}: unknown key`);
  if (!raw.image && !raw.build) problems.push(`services.${name}: needs image or build`);
  if (isObj(raw.build)) {
    const ctx = resolve(base, String(raw.build.context ?? '.'));
    const df = resolve(ctx, String(raw.build.dockerfile ?? 'Dockerfile'));
    if (!existsSync(df)) problems.push(`services.${name}.build: ${df} does not exist`);
  }
  const deps = Array.isArray(raw.depends_on)
    ? raw.depends_on
    : isObj(raw.depends_on)
      ? Object.keys(raw.depends_on)
      : [];
  for (const d of deps) if (!(String(d) in services)) problems.push(`services.${name}.depends_on: no service ${d}`);
  if (isObj(raw.depends_on)) {
    for (const [d, cond] of Object.entries(raw.depends_on)) {
      const c = isObj(cond) ? cond.condition : undefined;
      if (c && !['service_started', 'service_healthy', 'service_completed_successfully'].includes(String(c)))
        problems.push(`services.${name}.depends_on.${d}: unknown condition ${c}`);
      if (c === 'service_healthy' && isObj(services[d]) && !(services[d] as Record<string, unknown>).healthcheck)
        problems.push(`services.${name}.depends_on.${d}: waits for health but ${d} has no healthcheck`);
    }
  }
  for (const v of Array.isArray(raw.volumes) ? raw.volumes : []) {
    const [src] = String(v).split(':');
    if (!src) continue;
    if (src.startsWith('.') || src.startsWith('/')) {
      if (!existsSync(resolve(base, src))) problems.push(`services.${name}.volumes: ${src} does not exist`);
    } else if (!(src in volumes)) problems.push(`services.${name}.volumes: named volume ${src} is not declared`);
  }
  for (const p of Array.isArray(raw.ports) ? raw.ports : []) {
    if (!/^(\d{1,5}:)?\d{1,5}(\/(tcp|udp))?$/.test(String(p))) problems.push(`services.${name}.ports: bad entry ${p}`);
  }
  const envFiles = raw.env_file === undefined ? [] : Array.isArray(raw.env_file) ? raw.env_file : [raw.env_file];
  for (const f of envFiles)
    if (!existsSync(resolve(base, String(f)))) problems.push(`services.${name}.env_file: ${f} missing`);
  if (raw.environment !== undefined && !isObj(raw.environment) && !Array.isArray(raw.environment))
    problems.push(`services.${name}.environment must be a mapping or a list`);
  for (const [key, value] of environment(raw.environment)) {
    if (SECRET_NAME.test(key) && value && !interpolated(value))
      problems.push(`services.${name}.environment.${key}: a secret written into the file (use \${${key}})`);
    const password = /^[a-z][a-z0-9+.-]*:\/\/[^:/@]*:([^@]*)@/i.exec(value)?.[1];
    if (password !== undefined && !interpolated(password))
      problems.push(`services.${name}.environment.${key}: a URL with its password written into the file`);
  }
  const kameng = Boolean(raw.build) || /^kameng(:|$)/.test(String(raw.image ?? ''));
  if (kameng) {
    const grace = seconds(raw.stop_grace_period);
    if (grace === undefined || grace <= DRAIN_SECONDS)
      problems.push(`services.${name}.stop_grace_period: needs more than the ${DRAIN_SECONDS} s shutdown drain`);
    const command = Array.isArray(raw.command) ? raw.command.join(' ') : String(raw.command ?? '');
    const probe = isObj(raw.healthcheck) ? JSON.stringify(raw.healthcheck.test ?? '') : '';
    if (command.startsWith('worker') && (!probe || /https?:|healthz|fetch\(|curl|wget/.test(probe)))
      problems.push(`services.${name}.healthcheck: a worker opens no port; probe it with \`kameng health\``);
  }
}

if (problems.length) {
  process.stderr.write(`${file}:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`compose structure: ${file} ok (${Object.keys(services).length} services)\n`);
