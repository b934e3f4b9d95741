import { Writable } from 'node:stream';
import pino from 'pino';

/** A pino logger at debug whose JSON lines land in `lines`, as an operator's log file would. */
export function capturedLog() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines, text: () => lines.join('\n') };
}
