import { CHANNEL_IDS } from '@kameng/contracts';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../platform/clock.ts';
import { providerOf } from './registry.ts';
import { cstStamp, fromOrderId, parseUnionpayStatement, toOrderId } from './unionpay.ts';
import { parseUnionpayAnswer, unionpaySigningString } from './unionpay-sign.ts';

describe('the provider registry', () => {
  it('has one server definition, with an adapter for that channel, for every channel the contracts list', () => {
    const deps = { clock: new ManualClock(0), random: { bytes: (n: number) => Buffer.alloc(n) } };
    for (const id of CHANNEL_IDS) {
      const d = providerOf(id);
      expect(d.channel.id).toBe(id);
      expect(d.createAdapter(deps).provider).toBe(id);
    }
  });
});

describe('UnionPay 5.1.0 pieces', () => {
  it('signs every field but the signature, sorted, empty values included', () => {
    expect(unionpaySigningString({ txnAmt: '1', signature: 'x', accessType: '0', reqReserved: '' })).toBe(
      'accessType=0&reqReserved=&txnAmt=1',
    );
  });

  it('reads an answer whose braced values hold & and =, and refuses a repeated key', () => {
    const a = parseUnionpayAnswer('respCode=00&reserved={a=1&b=2}&signPubKeyCert=-----BEGIN X==\n-----END');
    expect(a).toEqual({
      ok: true,
      value: { respCode: '00', reserved: '{a=1&b=2}', signPubKeyCert: '-----BEGIN X==\n-----END' },
    });
    expect(parseUnionpayAnswer('respCode=00&respCode=34').ok).toBe(false);
  });

  it('maps payment ids to order numbers of letters and digits and back, and nothing else back', () => {
    const id = 'pay_01kb2xq9f3c8d7e6a5b4c3d2e1';
    expect(toOrderId(id)).toMatch(/^[0-9a-z]{29}$/);
    expect(fromOrderId(toOrderId(id))).toBe(id);
    expect(fromOrderId('R0123456789abcdef')).toBeNull();
    expect(cstStamp(Date.UTC(2026, 11, 1, 16, 30, 5))).toBe('20261202003005');
  });

  it('takes consumptions of the ZM statement by order number, amounts in fen, skipping refunds', () => {
    const widths = [3, 11, 11, 6, 10, 19, 12, 4, 2, 21, 2, 32, 2, 6, 10, 13, 13, 4, 15, 2, 2, 6];
    const line = (orderId: string, amt: string, queryId: string, txnType: string) =>
      ['S22', 'a', 'b', '1', '1201120000', 'card', amt, '5411', '07', queryId, '00', orderId]
        .concat(['01', '0', '0', '0', amt, '0', '', txnType, '00', '000201'])
        .map((f, i) => f.padEnd(widths[i] ?? 0))
        .join(' ');
    const id = 'pay_01kb2xq9f3c8d7e6a5b4c3d2e1';
    const text = [
      line(toOrderId(id), '000000001234', 'Q1', '01'),
      line('R0123456789abcdef', '000000000100', 'Q2', '04'),
    ].join('\r\n');
    expect(parseUnionpayStatement(text)).toEqual(new Map([[id, { tradeNo: 'Q1', amountCents: 1234 }]]));
    expect(() => parseUnionpayStatement(line(toOrderId(id), '12.34', 'Q1', '01'))).toThrow(/txnAmt/);
  });
});
