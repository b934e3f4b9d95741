/**
 * Bad-faith scores, 0–100, with the reasons an operator reads. Pure: the signals are gathered elsewhere
 * (disputes.standings.ts), so the weights can be tested on their own.
 */
import type { BadFaithScore } from '@kameng/contracts';
import type { SupplierKeyRecord } from '../vault/vault.service.ts';
import type { BuyerSignals, SupplierSignals } from './standings.queries.ts';

function total(parts: [number, string][]): BadFaithScore {
  const hits = parts.filter(([points]) => points > 0);
  return {
    score: Math.min(
      100,
      hits.reduce((s, [points]) => s + points, 0),
    ),
    reasons: hits.map(([points, why]) => `+${points} ${why}`),
  };
}

/**
 * A buyer: many cases for few orders, cases lost, claims on keys seen long before, accounts sharing an
 * address, claims by other accounts on his device.
 */
export function scoreBuyer(
  s: BuyerSignals & {
    orders: number;
    lateClaimHours: number;
    /** other accounts sharing a device with this buyer that opened cases, and how many they opened */
    sharedDeviceBuyers: number;
    sharedDeviceClaims: number;
  },
): BadFaithScore {
  const rate = s.opened / Math.max(1, s.orders);
  return total([
    [s.opened >= 3 && rate >= 0.3 ? 40 : 0, `开了 ${s.opened} 个售后 / ${s.opened} cases on ${s.orders} orders`],
    [s.lost >= 2 ? Math.min(30, 10 * s.lost) : 0, `败诉 ${s.lost} 次 / lost ${s.lost} cases`],
    [
      Math.min(30, 15 * s.lateClaims),
      `${s.lateClaims} 次申诉的卡密早已查看 / ${s.lateClaims} claims on keys first seen over ${s.lateClaimHours} h before`,
    ],
    [
      Math.min(40, 20 * s.sharedIpBuyers),
      `同一地址另有 ${s.sharedIpBuyers} 个账号申诉 / ${s.sharedIpBuyers} other accounts claimed from the same address`,
    ],
    [
      Math.min(40, 10 * s.sharedDeviceClaims),
      `同一设备另有 ${s.sharedDeviceBuyers} 个账号申诉 ${s.sharedDeviceClaims} 次 / ${s.sharedDeviceClaims} claims by ${s.sharedDeviceBuyers} other accounts on the same device`,
    ],
  ]);
}

/** A supplier: cases lost, deadlines let pass, claimed keys found re-sold, replacements claimed again, many replacements. */
export function scoreSupplier(s: SupplierSignals & SupplierKeyRecord & { orders: number }): BadFaithScore {
  const rate = s.lost / Math.max(1, s.orders);
  return total([
    [
      s.lost >= 2 && rate >= 0.05 ? Math.min(40, 10 * s.lost) : 0,
      `败诉 ${s.lost} 次 / lost ${s.lost} cases on ${s.orders} orders`,
    ],
    [s.late >= 2 ? Math.min(20, 5 * s.late) : 0, `超时未处理 ${s.late} 次 / let ${s.late} answer deadlines pass`],
    [
      Math.min(60, 20 * s.resold),
      `${s.resold} 张被申诉的卡密此前已在别的订单售出 / ${s.resold} claimed keys had been sold on other orders before`,
    ],
    [
      Math.min(30, 15 * s.reclaimed),
      `换出的卡密又被申诉 ${s.reclaimed} 张 / ${s.reclaimed} replacement keys claimed again`,
    ],
    [
      s.replacedAfterSale >= 3 ? 10 : 0,
      `售后换卡 ${s.replacedAfterSale} 张 / replaced ${s.replacedAfterSale} sold keys`,
    ],
  ]);
}
