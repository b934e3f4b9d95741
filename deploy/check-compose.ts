/**
 * A structural check of a compose file where `docker compose config` is not available: valid YAML (with
 * merge keys), the services Kameng's stack needs, every image/build, depends_on, volume, env_file and
 * bind-mounted file resolvable, ports well-formed. Exits 1 with every problem listed.
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
]);
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
}

if (problems.length) {
  process.stderr.write(`${file}:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`compose structure: ${file} ok (${Object.keys(services).length} services)\n`);
