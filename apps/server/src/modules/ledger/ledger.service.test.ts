import { describe, expect, it } from 'vitest';
import { parseAccountId } from './account-ids.ts';
import { splitCommission } from './commissions.ts';
import { netDeltas, transfersHash, validateEntry } from './entries.ts';
import { cstDayRange } from './statements.ts';

/** A small seeded generator, so a failing case replays exactly (the seed is in the test name). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('splitCommission', () => {
  it.each([
    // amount, bps, commission: half a fen and up rounds up, below half rounds down
    [1000, 500, 50],
    [999, 500, 50], // 49.95 → 50
    [989, 500, 49], // 49.45 → 49
    [990, 500, 50], // 49.5 → 50 (half-up)
    [10, 500, 1], // 0.5 → 1
    [9, 500, 0], // 0.45 → 0
    [1, 5000, 1], // 0.5 → 1
    [1, 4999, 0],
    [0, 500, 0],
    [12345, 0, 0],
    [12345, 10_000, 12345],
    [3, 3333, 1], // 0.9999 → 1
    [Number.MAX_SAFE_INTEGER, 500, 450_359_962_737_050], // exact, no float error: 450359962737049.55 → …050
  ])('%i fen at %i bps → commission %i', (amount, bps, commission) => {
    const split = splitCommission(amount, bps);
    expect(split.commissionCents).toBe(commission);
    expect(split.supplierShareCents).toBe(amount - commission);
  });

  it('refuses fractions, negatives and rates outside 0–10000 bps', () => {
    expect(() => splitCommission(10.5, 500)).toThrow(RangeError);
    expect(() => splitCommission(-1, 500)).toThrow(RangeError);
    expect(() => splitCommission(100, -1)).toThrow(RangeError);
    expect(() => splitCommission(100, 10_001)).toThrow(RangeError);
    expect(() => splitCommission(100, 1.5)).toThrow(RangeError);
    expect(() => splitCommission(2 ** 53, 500)).toThrow(RangeError);
  });

  const SEED = 20260101;
  it(`properties over 20,000 random cases (seed ${SEED})`, () => {
    const rnd = mulberry32(SEED);
    // each case is checked with plain comparisons and its broken properties collected: one expect() per
    // property per case (140,000 of them) took seconds on a loaded machine, for the same checks
    const broken: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const amount = i % 4 === 0 ? Math.floor(rnd() * 2 ** 53) : Math.floor(rnd() * 10 ** (1 + Math.floor(rnd() * 9)));
      const bps = Math.floor(rnd() * 10_001);
      const { commissionCents: c, supplierShareCents: s } = splitCommission(amount, bps);
      const fail = (property: string) => broken.push(`${amount} fen at ${bps} bps → ${c} + ${s}: ${property}`);
      // the parts are whole fen, never negative, and add up to the amount
      if (!(Number.isSafeInteger(c) && Number.isSafeInteger(s))) fail('not whole fen');
      if (!(c >= 0)) fail('negative commission');
      if (!(s >= 0)) fail('negative share');
      if (c + s !== amount) fail('parts do not add up');
      // half-up rounding: exact |c − amount·bps/10000| ≤ ½, ties going up (checked in bigint)
      const exact10k = BigInt(amount) * BigInt(bps);
      const diff = BigInt(c) * 10_000n - exact10k;
      if (!(diff > -5_000n && diff <= 5_000n)) fail('not rounded half-up');
      // a higher rate never takes less
      if (bps < 10_000 && !(splitCommission(amount, bps + 1).commissionCents >= c)) fail('a higher rate takes less');
    }
    expect(broken.slice(0, 10)).toEqual([]);
  });
});

describe('account ids', () => {
  it('reads the kind, the owner and whether the account may go negative', () => {
    expect(parseAccountId('wallet:usr_1')).toEqual({
      id: 'wallet:usr_1',
      kind: 'wallet',
      ownerId: 'usr_1',
      mayGoNegative: false,
    });
    expect(parseAccountId('supplier_withdrawing:usr_2')).toMatchObject({ ownerId: 'usr_2', mayGoNegative: false });
    expect(parseAccountId('platform:commission')).toMatchObject({
      kind: 'platform',
      ownerId: null,
      mayGoNegative: true,
    });
    expect(parseAccountId('clearing:alipay')).toMatchObject({ kind: 'clearing', mayGoNegative: true });
    expect(parseAccountId('payouts:external')).toMatchObject({ kind: 'payouts', mayGoNegative: true });
  });

  it.each(['wallet', 'wallet:', 'bank:usr_1', 'wallet:usr 1', "wallet:usr_1' OR 1=1", 'Wallet:usr_1', ''])(
    'rejects %j',
    (id) => {
      expect(() => parseAccountId(id)).toThrow(TypeError);
    },
  );
});

describe('entries', () => {
  const t = (from: string, to: string, amountCents: number) => ({ from, to, amountCents });

  it('hashes transfers independently of their order, and differently when an amount differs', () => {
    const a = [t('wallet:u1', 'supplier_held:s1', 950), t('wallet:u1', 'platform:commission', 50)];
    const b = [a[1]!, a[0]!];
    expect(transfersHash(a)).toBe(transfersHash(b));
    expect(transfersHash(a)).not.toBe(transfersHash([a[0]!, t('wallet:u1', 'platform:commission', 51)]));
    expect(transfersHash([t('wallet:u1', 'wallet:u2', 1)])).not.toBe(transfersHash([t('wallet:u2', 'wallet:u1', 1)]));
  });

  it('nets deltas per account, sorted by account id, summing to zero', () => {
    const deltas = netDeltas([
      t('wallet:b', 'wallet:a', 30),
      t('wallet:a', 'clearing:x', 10),
      t('wallet:b', 'clearing:x', 5),
    ]);
    expect(deltas).toEqual([
      ['clearing:x', 15],
      ['wallet:a', 20],
      ['wallet:b', -35],
    ]);
    expect(deltas.reduce((s, [, d]) => s + d, 0)).toBe(0);
  });

  it('refuses entries no caller should build', () => {
    const ok = { id: 'e1', kind: 'test', transfers: [t('clearing:test', 'wallet:u1', 1)] };
    expect(() => validateEntry(ok)).not.toThrow();
    for (const bad of [
      { ...ok, id: '' },
      { ...ok, transfers: [] },
      { ...ok, transfers: [t('clearing:test', 'wallet:u1', 0)] },
      { ...ok, transfers: [t('clearing:test', 'wallet:u1', -5)] },
      { ...ok, transfers: [t('clearing:test', 'wallet:u1', 1.5)] },
      { ...ok, transfers: [t('clearing:test', 'wallet:u1', Number.NaN)] },
      { ...ok, transfers: [t('clearing:test', 'wallet:u1', 2 ** 53)] },
      { ...ok, transfers: [t('wallet:u1', 'wallet:u1', 1)] },
      { ...ok, transfers: [t('nowhere', 'wallet:u1', 1)] },
    ]) {
      expect(() => validateEntry(bad)).toThrow();
    }
  });
});

describe('cstDayRange', () => {
  it('is midnight to midnight in China Standard Time', () => {
    const { from, to } = cstDayRange('2026-01-02');
    expect(new Date(from).toISOString()).toBe('2026-01-01T16:00:00.000Z');
    expect(to - from).toBe(24 * 3_600_000);
  });
});
