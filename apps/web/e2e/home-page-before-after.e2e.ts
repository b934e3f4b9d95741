import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch } from './support/browser.ts';
import { describeFigures, type HomePageFigures, measureHomePage, SLOW_4G, type Throttle } from './support/measure.ts';
import { type RunningServer, startServer } from './support/server.ts';

// The home page before and after issue #14's work, measured the same way in one run: an older build of the web
// app (BEFORE_WEB_DIST, e.g. commit 3442744's: `git worktree add /tmp/before 3442744 && cd /tmp/before && npm ci
// && npm run build:web`) and this one, each served by this server over plain HTTP and opened cold by Chromium,
// three times at each width, and on a throttled phone network (the median is printed). The older build has no .br/.gz copies, so its scripts go
// uncompressed, as its own server sent them. Skipped unless BEFORE_WEB_DIST is set: it measures, it proves nothing.

const BEFORE = process.env.BEFORE_WEB_DIST;
const RUNS = 3;
// loopback at both widths, and a phone on a mobile network, where the bytes on the wire decide the first render
const SETTINGS: [{ width: number; height: number }, Throttle | undefined][] = [
  [{ width: 390, height: 844 }, undefined],
  [{ width: 1366, height: 900 }, undefined],
  [{ width: 390, height: 844 }, SLOW_4G],
];

function median(list: HomePageFigures[]): HomePageFigures {
  const by = (k: 'render' | 'fcp' | 'dcl') => {
    const v = list
      .map((f) => f[k])
      .filter((x): x is number => x !== null)
      .sort((a, b) => a - b);
    return v.length ? (v[Math.floor(v.length / 2)] as number) : null;
  };
  const first = list[0] as HomePageFigures;
  return { ...first, render: by('render'), fcp: by('fcp'), dcl: by('dcl') };
}

describe.runIf(BEFORE)('the home page before and after (BEFORE_WEB_DIST)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('prints transferred JavaScript and time to first render for both builds', async () => {
    const lines: string[] = [];
    for (const [label, webDist] of [
      ['before', BEFORE],
      ['after', undefined],
    ] as const) {
      const server: RunningServer = await startServer(webDist ? { webDist } : {});
      try {
        for (const [viewport, network] of SETTINGS) {
          const runs: HomePageFigures[] = [];
          for (let i = 0; i < RUNS; i++) runs.push(await measureHomePage(browser, server.baseUrl, viewport, network));
          const f = median(runs);
          expect(f.render).not.toBeNull();
          const over = network ? ', slow 4G (150 ms, 1.6 Mbps)' : ', loopback';
          lines.push(`[home page ${label}${over}] ${describeFigures(f)} (median of ${RUNS})`);
        }
      } finally {
        await server.stop();
      }
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  });
});
