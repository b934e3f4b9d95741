import { describe, expect, it } from 'vitest';
import type { Deps } from '../../platform/deps.ts';
import { Hooks } from '../../platform/hooks.ts';
import { MODULES } from '../index.ts';
import { paymentPaid, paymentRefund } from './payments.hooks.ts';
import type { PaymentsTable } from './payments.tables.ts';

// a Record over the purpose type: a new purpose does not compile until it is listed here
const PURPOSES: Record<PaymentsTable['purpose'], true> = {
  order: true,
  top_up: true,
  level_upgrade: true,
  agent_opening: true,
};

describe('payment hooks', () => {
  it('every purpose a payment can have is booked when paid and refunded by some module', () => {
    const hooks = new Hooks();
    for (const m of MODULES) m.install?.({ hooks } as unknown as Deps);
    const purposes = Object.keys(PURPOSES).sort();
    expect(hooks.keys(paymentPaid).sort()).toEqual(purposes);
    expect(hooks.keys(paymentRefund).sort()).toEqual(purposes);
  });
});
