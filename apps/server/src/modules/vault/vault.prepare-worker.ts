import { parentPort } from 'node:worker_threads';
import { keyObject } from '../../platform/crypto.ts';
import { prepareKeys, type WorkerAnswer, type WorkerStep } from './vault.prepare.ts';

// the thread StepPreparer starts: prepares the steps it is sent, in order, and answers each
parentPort?.on('message', (m: WorkerStep) => {
  let answer: WorkerAnswer;
  try {
    answer = {
      seq: m.seq,
      ok: true,
      keys: prepareKeys({ ...m, dek: keyObject(m.dek), hashKey: keyObject(m.hashKey) }),
    };
  } catch (err) {
    answer = { seq: m.seq, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort?.postMessage(answer);
});
