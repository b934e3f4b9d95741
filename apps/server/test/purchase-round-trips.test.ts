import { createOrderResponseSchema } from '@kameng/contracts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postEntry } from '../src/modules/ledger/ledger.service.ts';
import { call, registerAndLogin } from './support/client.ts';
import { createTestApp, createTestDatabase, dialectName, type TestApp } from './support/harness.ts';
import { expectBalanced, openShop, type Shop } from './support/trade.ts';

/**
 * The statements one wallet purchase (POST /orders, signed in, one card key) sends, counted on the executor.
 * On PostgreSQL each is a round trip, BEGIN and COMMIT included, and every one inside the transaction holds
 * row locks longer. The budget is what the purchase needs today: a change that adds a statement fails here
 * (lower the budget when one is folded away). Was 34 on PostgreSQL before issue #15's step 2, then 28; member
 * levels (#17) added six (34 on PostgreSQL, 36 on SQLite); then folded: the session's roles read with it, the
 * settings kept per process, the levels read once per transaction, the spend's three writes one statement
 * (two on SQLite), the journal entry and its postings one statement (two on SQLite) with no idempotency read
 * before it, known ledger accounts not looked up again, and the hot rows' tail (stock, sales count, the
 * platform's and supplier's balances) one statement on PostgreSQL.
 */
const BUDGET = { postgres: 22, sqlite: 29 } as const;

describe(`a wallet purchase's statements (${dialectName})`, () => {
  let t: TestApp;
  let shop: Shop;
  const statements: string[] = [];
  let recording = false;
  beforeAll(async () => {
    const db = await createTestDatabase({
      onQuery: (sql) => {
        if (recording) statements.push(sql);
      },
    });
    t = await createTestApp({ db, log: pino({ level: 'silent' }) });
    shop = await openShop(t, { keyCount: 10, priceCents: 500 });
  });
  afterAll(async () => {
    await t.close();
  });

  it(`takes at most ${BUDGET[dialectName]} statements, and the keys are delivered`, async () => {
    const buyer = await registerAndLogin(t.app);
    await t.deps.db.transaction().execute((tx) =>
      postEntry(tx, t.deps, {
        id: `test-fund:${buyer.userId}`,
        kind: 'test_funding',
        transfers: [{ from: 'clearing:test', to: `wallet:${buyer.userId}`, amountCents: 5000 }],
      }),
    );
    // the third purchase is the steady state: the first creates ledger accounts and warms caches, the second
    // finds the accounts made (the ledger remembers committed accounts, not ones a transaction just made)
    for (let i = 0; i < 3; i++) {
      statements.length = 0;
      recording = true;
      const r = await call(t.app, 'POST', '/api/v1/orders', {
        token: buyer.token,
        body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'balance' },
      });
      recording = false;
      expect(r.status).toBe(201);
      expect(r.body.status).toBe('delivered');
      expect(r.body.payment.status).toBe('paid');
      // the compiled serialiser writes what the zod schema would have
      expect(createOrderResponseSchema.parse(r.body)).toEqual(r.body);
    }
    const listed = statements.map((s, i) => `${i + 1}. ${s.slice(0, 120)}`).join('\n');
    expect(statements.length, listed).toBeLessThanOrEqual(BUDGET[dialectName]);
    // nothing the transaction wrote is read back
    expect(
      statements.filter((s) => /^select \* from "orders"/.test(s)),
      listed,
    ).toEqual([]);
    const order = await call(t.app, 'GET', '/api/v1/orders?pageSize=10', { token: buyer.token });
    expect(order.body.items[0].status).toBe('delivered');
    await expectBalanced(t, shop.admin);
  });
});
