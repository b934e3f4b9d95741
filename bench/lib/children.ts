import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BaselineJob, BaselineRun } from '../baseline.ts';
import type { LoadJob, LoadResult } from '../load.ts';
import type { RawJob, RawRun } from '../raw.ts';

const HERE = join(import.meta.dirname, '..');
let jobSeq = 0;

/** Runs a bench script in a child process with its job in a file; resolves with its one JSON line. */
function runChild<T>(script: string, job: unknown, dir: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<T> {
  const file = join(dir, `job-${process.pid}-${++jobSeq}.json`);
  writeFileSync(file, JSON.stringify(job));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(HERE, script), file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').at(-1);
      if (code === 0 && last) return resolve(JSON.parse(last) as T);
      reject(new Error(`${script} failed (${signal ?? code}): ${err.slice(-2000)}`));
    });
  });
}

export function runLoad(job: LoadJob, dir: string): Promise<LoadResult> {
  const bound = 'durationS' in job ? job.durationS * 1000 + 120_000 : 300_000;
  return runChild<LoadResult>('load.ts', job, dir, process.env, bound);
}

export function runBaseline(
  job: BaselineJob,
  dir: string,
  env: Record<string, string>,
): Promise<{ runs: BaselineRun[]; firstError?: string }> {
  return runChild(
    'baseline.ts',
    job,
    dir,
    { ...process.env, ...env },
    job.runs * (job.durationS * 1000 + 60_000) + 120_000,
  );
}

export function runRaw(job: RawJob, dir: string): Promise<{ runs: RawRun[] }> {
  return runChild('raw.ts', job, dir, process.env, job.runs * (job.durationS * 1000 + 60_000) + 300_000);
}
