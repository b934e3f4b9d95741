import { describe, expect, it } from 'vitest';
import { scoreBuyer, scoreSupplier } from './disputes.scores.ts';

const cleanBuyer = {
  opened: 0,
  lost: 0,
  lateClaims: 0,
  sharedIpBuyers: 0,
  sharedDeviceBuyers: 0,
  sharedDeviceClaims: 0,
  orders: 10,
  lateClaimHours: 72,
};
const cleanSupplier = {
  cases: 0,
  lost: 0,
  late: 0,
  soldKeys: 100,
  voidedUnsold: 0,
  replacedAfterSale: 0,
  replaced: 0,
  resold: 0,
  reclaimed: 0,
  orders: 100,
};

describe('bad-faith scores', () => {
  it('a buyer with an honest claim now and then scores nothing', () => {
    expect(scoreBuyer({ ...cleanBuyer, opened: 1 })).toEqual({ score: 0, reasons: [] });
    expect(scoreBuyer({ ...cleanBuyer, opened: 2, lost: 1, orders: 3 }).score).toBe(0);
  });

  it('a serial claimer: many cases for few orders, lost, on keys seen long before, from shared addresses', () => {
    const s = scoreBuyer({ ...cleanBuyer, opened: 4, orders: 5, lost: 3, lateClaims: 1, sharedIpBuyers: 1 });
    expect(s.score).toBe(100);
    expect(s.reasons).toHaveLength(4);
    expect(s.reasons[0]).toMatch(/^\+40 .*4 cases on 5 orders/);
    expect(scoreBuyer({ ...cleanBuyer, opened: 3, orders: 5, lost: 2 }).score).toBe(60);
  });

  it('a supplier found re-selling used keys scores 20 a claimed key, up to 60; lost cases and late answers add up', () => {
    expect(scoreSupplier(cleanSupplier)).toEqual({ score: 0, reasons: [] });
    expect(scoreSupplier({ ...cleanSupplier, resold: 2 }).score).toBe(40);
    expect(scoreSupplier({ ...cleanSupplier, resold: 9 }).score).toBe(60);
    const bad = scoreSupplier({
      ...cleanSupplier,
      orders: 20,
      lost: 3,
      late: 2,
      resold: 1,
      replacedAfterSale: 3,
    });
    expect(bad.score).toBe(30 + 10 + 20 + 10);
    expect(bad.reasons.some((r) => r.includes('let 2 answer deadlines pass'))).toBe(true);
    expect(scoreSupplier({ ...cleanSupplier, reclaimed: 1 })).toEqual({
      score: 15,
      reasons: ['+15 换出的卡密又被申诉 1 张 / 1 replacement keys claimed again'],
    });
    // lost cases on a large volume are not a pattern
    expect(scoreSupplier({ ...cleanSupplier, orders: 1000, lost: 3 }).score).toBe(0);
  });
});
