import { describe, expect, it } from 'vitest';
import { missingNodeFlags, NODE_FLAGS } from './node-flags.ts';

describe('node flags', () => {
  it('adds only the heap flags not already given on the command line or in NODE_OPTIONS', () => {
    expect(missingNodeFlags([], undefined)).toEqual([...NODE_FLAGS]);
    expect(missingNodeFlags(['--max-semi-space-size=32', '--cpu-prof'], undefined)).toEqual([
      '--max-old-space-size=1024',
    ]);
    expect(missingNodeFlags([], '--import x.mjs --max_old_space_size=4096')).toEqual(['--max-semi-space-size=8']);
    expect(missingNodeFlags([...NODE_FLAGS], '')).toEqual([]);
  });
});
