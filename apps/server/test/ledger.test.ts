import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  balanceCents,
  commissionRateBps,
  type EntryInput,
  freezeHold,
  getHold,
  openHold,
  type PostResult,
  postEntry,
  settleHold,
  trialBalance,
  unfreezeHold,
  voidHold,
} from '../src/modules/ledger/ledger.service.ts';
import { categoryPath } from '../src/modules/catalog/catalog.service.ts';
import type { Executor } from '../src/platform/db/database.ts';
import { approvedSupplier, call, loginAdmin, registerAndLogin } from './support/client.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';

const fakeUser = () => `usr_t${randomBytes(6).toString('hex')}`;

function helpers(t: TestApp) {
  const post = (entry: EntryInput): Promise<PostResult> =>
    t.deps.db.transaction().execute((tx) => postEntry(tx, t.deps, entry));
  const fund = (accountId: string, amountCents: number) =>
    post({
      id: `test-fund:${accountId}:${randomBytes(4).toString('hex')}`,
      kind: 'test_funding',
      transfers: [{ from: 'clearing:test', to: accountId, amountCents }],
    });
  const bal = (accountId: string) => balanceCents(t.deps.db, accountId);
  const entriesFor = async (refId: string) =>
    Number(
      (
        await t.deps.db
          .selectFrom('journal_entries')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('ref_id', '=', refId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const expectBook = async () => {
    const tb = await trialBalance(t.deps.db);
    expect(tb).toMatchObject({ balanced: true, totalPostingsCents: 0, totalBalancesCents: 0, mismatches: [] });
    expect(tb.negativeAccounts).toEqual([]);
    expect(tb.unbalancedEntries).toEqual([]);
  };
  return { post, fund, bal, entriesFor, expectBook };
}

describe(`ledger: postEntry (${dialectName})`, () => {
  let t: TestApp;
  let h: ReturnType<typeof helpers>;
  beforeAll(async () => {
    t = await createTestApp();
    h = helpers(t);
  });
  afterEach(async () => {
    await h.expectBook();
  });
  afterAll(async () => {
    await t.close();
  });

  it('posts a balanced entry, creating accounts on first use', async () => {
    const user = fakeUser();
    const before = await h.bal('clearing:test');
    expect(await h.bal(`wallet:${user}`)).toBe(0);
    expect(
      await h.post({
        id: `fund:${user}`,
        kind: 'test_funding',
        refType: 'user',
        refId: user,
        memo: '测试入账',
        transfers: [{ from: 'clearing:test', to: `wallet:${user}`, amountCents: 1000 }],
      }),
    ).toEqual({ status: 'posted' });
    expect(await h.bal(`wallet:${user}`)).toBe(1000);
    expect((await h.bal('clearing:test')) - before).toBe(-1000);
    const postings = await t.deps.db
      .selectFrom('postings')
      .select(['account_id', 'amount_cents'])
      .where('entry_id', '=', `fund:${user}`)
      .orderBy('amount_cents')
      .execute();
    expect(postings.map((p) => [p.account_id, Number(p.amount_cents)])).toEqual([
      ['clearing:test', -1000],
      [`wallet:${user}`, 1000],
    ]);
  });

  it('an account a rolled-back transaction made is made again (only committed accounts are remembered)', async () => {
    const user = fakeUser();
    const fund = (id: string, amountCents: number) => ({
      id,
      kind: 'test_funding',
      transfers: [{ from: 'clearing:test' as const, to: `wallet:${user}` as const, amountCents }],
    });
    await expect(
      t.deps.db.transaction().execute(async (tx) => {
        await postEntry(tx, t.deps, fund(`rb1:${user}`, 100));
        // the second entry finds the account this transaction made
        await postEntry(tx, t.deps, fund(`rb2:${user}`, 100));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(
      await t.deps.db.selectFrom('ledger_accounts').select('id').where('id', '=', `wallet:${user}`).execute(),
    ).toEqual([]);
    expect(await h.post(fund(`rb3:${user}`, 100))).toEqual({ status: 'posted' });
    expect(await h.bal(`wallet:${user}`)).toBe(100);
  });

  it('given the database instead of a transaction, postEntry still writes all or nothing', async () => {
    const user = fakeUser();
    const entry: EntryInput = {
      id: `no-tx:${user}`,
      kind: 'test_spend',
      refId: user,
      transfers: [
        { from: 'clearing:test', to: `wallet:${user}`, amountCents: 40 },
        { from: `wallet:${user}`, to: 'payouts:external', amountCents: 41 },
      ],
    };
    expect(await postEntry(t.deps.db, t.deps, entry)).toEqual({
      status: 'insufficient_funds',
      accountId: `wallet:${user}`,
    });
    expect(await h.bal(`wallet:${user}`)).toBe(0);
    expect(await h.entriesFor(user)).toBe(0);
    await h.fund(`wallet:${user}`, 1);
    expect(await postEntry(t.deps.db, t.deps, entry)).toEqual({ status: 'posted' });
    expect(await h.bal(`wallet:${user}`)).toBe(0);
  });

  it('posting the same id twice changes nothing; the same id with other amounts is a CONFLICT', async () => {
    const user = fakeUser();
    const entry: EntryInput = {
      id: `idem:${user}`,
      kind: 'test_funding',
      refId: user,
      transfers: [
        { from: 'clearing:test', to: `wallet:${user}`, amountCents: 700 },
        { from: 'clearing:test', to: `wallet:${user}`, amountCents: 300 },
      ],
    };
    expect(await h.post(entry)).toEqual({ status: 'posted' });
    expect(await h.post(entry)).toEqual({ status: 'duplicate' });
    // the same transfers in another order are the same entry
    expect(await h.post({ ...entry, transfers: [...entry.transfers].reverse() })).toEqual({ status: 'duplicate' });
    await expect(
      h.post({ ...entry, transfers: [{ from: 'clearing:test', to: `wallet:${user}`, amountCents: 1001 }] }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await h.bal(`wallet:${user}`)).toBe(1000);
    expect(await h.entriesFor(user)).toBe(1);
  });

  it('fifty concurrent posts of one new id post it once', async () => {
    const user = fakeUser();
    const entry: EntryInput = {
      id: `race:${user}`,
      kind: 'test_funding',
      refId: user,
      transfers: [{ from: 'clearing:test', to: `wallet:${user}`, amountCents: 250 }],
    };
    const results = await Promise.all(Array.from({ length: 50 }, () => h.post(entry)));
    expect(results.filter((r) => r.status === 'posted')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(49);
    expect(await h.bal(`wallet:${user}`)).toBe(250);
    expect(await h.entriesFor(user)).toBe(1);
  });

  it('never lets a wallet go negative: 50 concurrent debits of 30 from 1000 → 33 succeed, 10 left', async () => {
    const user = fakeUser();
    await h.fund(`wallet:${user}`, 1000);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        h.post({
          id: `spend:${user}:${i}`,
          kind: 'test_spend',
          refId: user,
          transfers: [{ from: `wallet:${user}`, to: 'clearing:test', amountCents: 30 }],
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'posted')).toHaveLength(33);
    const refused = results.filter((r) => r.status === 'insufficient_funds');
    expect(refused).toHaveLength(17);
    expect(refused.every((r) => r.status === 'insufficient_funds' && r.accountId === `wallet:${user}`)).toBe(true);
    expect(await h.bal(`wallet:${user}`)).toBe(10);
    // 1 funding entry + 33 spends, nothing from the refused ones
    expect(await h.entriesFor(user)).toBe(33);
  });

  it('money moving both ways between two wallets at once neither deadlocks nor leaks', async () => {
    const a = `wallet:${fakeUser()}`;
    const b = `wallet:${fakeUser()}`;
    await h.fund(a, 300);
    await h.fund(b, 300);
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        h.post({
          id: `swap:${a}:${i}`,
          kind: 'test_transfer',
          transfers: [i % 2 === 0 ? { from: a, to: b, amountCents: 70 } : { from: b, to: a, amountCents: 70 }],
        }),
      ),
    );
    expect(results.every((r) => r.status === 'posted' || r.status === 'insufficient_funds')).toBe(true);
    const [ba, bb] = [await h.bal(a), await h.bal(b)];
    expect(ba + bb).toBe(600);
    expect(ba).toBeGreaterThanOrEqual(0);
    expect(bb).toBeGreaterThanOrEqual(0);
    const posted = results.filter((r) => r.status === 'posted').length;
    const evenPosted = results.filter((r, i) => i % 2 === 0 && r.status === 'posted').length;
    expect(ba).toBe(300 - 70 * evenPosted + 70 * (posted - evenPosted));
  });

  it('an unaffordable entry leaves nothing behind and the caller’s transaction goes on', async () => {
    const rich = `wallet:${fakeUser()}`;
    const poor = `wallet:${fakeUser()}`;
    await h.fund(rich, 100);
    const clearingBefore = await h.bal('clearing:test');
    const entry: EntryInput = {
      id: `partial:${rich}`,
      kind: 'test_spend',
      // clearing:test (credited) and the rich wallet (debited) sort before the poor wallet, so both are
      // applied before the poor wallet's debit is refused and must be taken back
      transfers: [
        { from: rich, to: 'clearing:test', amountCents: 50 },
        { from: poor, to: 'clearing:test', amountCents: 10 },
      ],
    };
    const other = `wallet:${fakeUser()}`;
    const outcome = await t.deps.db.transaction().execute(async (tx) => {
      const r = await postEntry(tx, t.deps, entry);
      // the same transaction carries on and commits other work
      await postEntry(tx, t.deps, {
        id: `after:${other}`,
        kind: 'test_funding',
        transfers: [{ from: 'clearing:test', to: other, amountCents: 5 }],
      });
      return r;
    });
    expect(outcome).toEqual({ status: 'insufficient_funds', accountId: poor });
    expect(await h.bal(rich)).toBe(100);
    expect(await h.bal(poor)).toBe(0);
    expect(await h.bal(other)).toBe(5);
    expect(await h.bal('clearing:test')).toBe(clearingBefore - 5);
    expect(await t.deps.db.selectFrom('journal_entries').select('id').where('id', '=', entry.id).execute()).toEqual([]);
    // nothing was recorded under the id, so it posts once the money is there
    await h.fund(poor, 10);
    expect(await h.post(entry)).toEqual({ status: 'posted' });
    expect(await h.bal(rich)).toBe(50);
    expect(await h.bal(poor)).toBe(0);
  });

  it('platform and clearing accounts may go negative; wallets and supplier accounts may not', async () => {
    const supplier = fakeUser();
    expect(
      await h.post({
        id: `neg:${supplier}`,
        kind: 'test',
        transfers: [{ from: 'platform:commission', to: 'clearing:elsewhere', amountCents: 1 }],
      }),
    ).toEqual({ status: 'posted' });
    for (const acct of [`supplier_available:${supplier}`, `supplier_held:${supplier}`, `wallet:${supplier}`]) {
      expect(
        await h.post({
          id: `neg:${acct}`,
          kind: 'test',
          transfers: [{ from: acct, to: 'payouts:external', amountCents: 1 }],
        }),
      ).toEqual({ status: 'insufficient_funds', accountId: acct });
    }
    // the database refuses a negative wallet even if the code forgot to ask
    await expect(
      sql`UPDATE ledger_accounts SET balance_cents = -1 WHERE id = ${`wallet:${supplier}`}`.execute(t.deps.db),
    ).rejects.toThrow();
    await h.post({
      id: `neg-undo:${supplier}`,
      kind: 'test',
      transfers: [{ from: 'clearing:elsewhere', to: 'platform:commission', amountCents: 1 }],
    });
  });

  it('refuses malformed entries before touching the database', async () => {
    const user = fakeUser();
    for (const amountCents of [0, -30, 1.5, Number.NaN, 2 ** 53]) {
      await expect(
        h.post({
          id: `bad:${user}`,
          kind: 'test',
          transfers: [{ from: 'clearing:test', to: `wallet:${user}`, amountCents }],
        }),
      ).rejects.toThrow();
    }
    await expect(
      h.post({
        id: `bad:${user}`,
        kind: 'test',
        transfers: [{ from: `wallet:${user}`, to: `wallet:${user}`, amountCents: 1 }],
      }),
    ).rejects.toThrow();
    await expect(
      h.post({
        id: `bad:${user}`,
        kind: 'test',
        transfers: [{ from: 'bank:x', to: `wallet:${user}`, amountCents: 1 }],
      }),
    ).rejects.toThrow();
    await expect(h.post({ id: `bad:${user}`, kind: 'test', transfers: [] })).rejects.toThrow();
    expect(await h.entriesFor(user)).toBe(0);
  });

  it('postings and journal entries can be neither updated nor deleted', async () => {
    const user = fakeUser();
    await h.fund(`wallet:${user}`, 10);
    const p = await t.deps.db
      .selectFrom('postings')
      .select(['id', 'entry_id'])
      .where('account_id', '=', `wallet:${user}`)
      .executeTakeFirstOrThrow();
    await expect(
      t.deps.db.updateTable('postings').set({ amount_cents: 11 }).where('id', '=', p.id).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(t.deps.db.deleteFrom('postings').where('id', '=', p.id).execute()).rejects.toThrow(/append-only/);
    await expect(
      t.deps.db.updateTable('journal_entries').set({ memo: 'x' }).where('id', '=', p.entry_id).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(t.deps.db.deleteFrom('journal_entries').where('id', '=', p.entry_id).execute()).rejects.toThrow(
      /append-only/,
    );
    expect(await h.bal(`wallet:${user}`)).toBe(10);
  });
});

describe(`ledger: escrow holds (${dialectName})`, () => {
  let t: TestApp;
  let h: ReturnType<typeof helpers>;
  beforeAll(async () => {
    t = await createTestApp();
    h = helpers(t);
  });
  afterEach(async () => {
    await h.expectBook();
  });
  afterAll(async () => {
    await t.close();
  });

  const inTx = <T>(t: TestApp, fn: (tx: Executor) => Promise<T>) => t.deps.db.transaction().execute(fn);

  async function sale(orderId: string, buyer: string, supplier: string, share = 950, fee = 50) {
    return inTx(t, (tx) =>
      openHold(tx, t.deps, {
        orderId,
        supplierId: supplier,
        supplierShareCents: share,
        commissionCents: fee,
        payer: `wallet:${buyer}`,
        releaseAt: t.deps.clock.now() + 72 * 3_600_000,
      }),
    );
  }

  it('a sale is held once per order, and settles once', async () => {
    const [buyer, supplier, order] = [fakeUser(), fakeUser(), `ord_${fakeUser()}`];
    await h.fund(`wallet:${buyer}`, 1000);
    const commissionBefore = await h.bal('platform:commission');
    expect(await sale(order, buyer, supplier)).toEqual({ status: 'posted' });
    expect(await sale(order, buyer, supplier)).toEqual({ status: 'duplicate' });
    expect(await h.entriesFor(order)).toBe(1);
    expect(await h.bal(`wallet:${buyer}`)).toBe(0);
    expect(await h.bal(`supplier_held:${supplier}`)).toBe(950);
    expect((await h.bal('platform:commission')) - commissionBefore).toBe(50);
    expect(await getHold(t.deps.db, order)).toMatchObject({
      status: 'pending',
      supplierShareCents: 950,
      commissionCents: 50,
    });

    expect(await inTx(t, (tx) => settleHold(tx, t.deps, order))).toBe(true);
    expect(await inTx(t, (tx) => settleHold(tx, t.deps, order))).toBe(false);
    expect(await inTx(t, (tx) => voidHold(tx, t.deps, order, `wallet:${buyer}`))).toBe(false);
    expect(await inTx(t, (tx) => freezeHold(tx, t.deps, order))).toBe(false);
    expect(await h.bal(`supplier_held:${supplier}`)).toBe(0);
    expect(await h.bal(`supplier_available:${supplier}`)).toBe(950);
    expect(await h.bal(`wallet:${buyer}`)).toBe(0);
    expect((await getHold(t.deps.db, order))?.status).toBe('posted');
    expect(await h.entriesFor(order)).toBe(2);
  });

  it('concurrent settles and voids of one hold: exactly one resolves it', async () => {
    const [buyer, supplier, order] = [fakeUser(), fakeUser(), `ord_${fakeUser()}`];
    await h.fund(`wallet:${buyer}`, 1000);
    await sale(order, buyer, supplier);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        inTx(t, (tx) => (i % 2 ? settleHold(tx, t.deps, order) : voidHold(tx, t.deps, order, `wallet:${buyer}`))),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const status = (await getHold(t.deps.db, order))?.status;
    if (status === 'posted') {
      expect(await h.bal(`supplier_available:${supplier}`)).toBe(950);
      expect(await h.bal(`wallet:${buyer}`)).toBe(0);
    } else {
      expect(status).toBe('voided');
      expect(await h.bal(`supplier_available:${supplier}`)).toBe(0);
      expect(await h.bal(`wallet:${buyer}`)).toBe(1000);
    }
    expect(await h.bal(`supplier_held:${supplier}`)).toBe(0);
    expect(await h.entriesFor(order)).toBe(2);
  });

  it('a voided hold returns the share and the commission to the refund account', async () => {
    const [buyer, supplier, order] = [fakeUser(), fakeUser(), `ord_${fakeUser()}`];
    await h.fund(`wallet:${buyer}`, 1000);
    const commissionBefore = await h.bal('platform:commission');
    await sale(order, buyer, supplier, 900, 100);
    expect(await inTx(t, (tx) => voidHold(tx, t.deps, order, `wallet:${buyer}`))).toBe(true);
    expect(await inTx(t, (tx) => voidHold(tx, t.deps, order, `wallet:${buyer}`))).toBe(false);
    expect(await inTx(t, (tx) => settleHold(tx, t.deps, order))).toBe(false);
    expect(await h.bal(`wallet:${buyer}`)).toBe(1000);
    expect(await h.bal(`supplier_held:${supplier}`)).toBe(0);
    expect(await h.bal('platform:commission')).toBe(commissionBefore);
  });

  it('a frozen hold does not settle; unfrozen it does; frozen it can be voided (dispute upheld)', async () => {
    const [buyer, supplier] = [fakeUser(), fakeUser()];
    const [o1, o2] = [`ord_${fakeUser()}`, `ord_${fakeUser()}`];
    await h.fund(`wallet:${buyer}`, 2000);
    await sale(o1, buyer, supplier);
    await sale(o2, buyer, supplier);
    expect(await inTx(t, (tx) => freezeHold(tx, t.deps, o1))).toBe(true);
    expect(await inTx(t, (tx) => freezeHold(tx, t.deps, o1))).toBe(false);
    expect(await inTx(t, (tx) => settleHold(tx, t.deps, o1))).toBe(false);
    expect(await h.bal(`supplier_held:${supplier}`)).toBe(1900);
    expect(await inTx(t, (tx) => unfreezeHold(tx, t.deps, o1))).toBe(true);
    expect(await inTx(t, (tx) => unfreezeHold(tx, t.deps, o1))).toBe(false);
    expect(await inTx(t, (tx) => settleHold(tx, t.deps, o1))).toBe(true);

    expect(await inTx(t, (tx) => freezeHold(tx, t.deps, o2))).toBe(true);
    expect(await inTx(t, (tx) => voidHold(tx, t.deps, o2, `wallet:${buyer}`))).toBe(true);
    expect(await inTx(t, (tx) => unfreezeHold(tx, t.deps, o2))).toBe(false);
    expect(await h.bal(`supplier_held:${supplier}`)).toBe(0);
    expect(await h.bal(`supplier_available:${supplier}`)).toBe(950);
    expect(await h.bal(`wallet:${buyer}`)).toBe(1000);
  });

  it('a sale the wallet cannot cover writes neither entry nor hold', async () => {
    const [buyer, supplier, order] = [fakeUser(), fakeUser(), `ord_${fakeUser()}`];
    await h.fund(`wallet:${buyer}`, 999);
    expect(await sale(order, buyer, supplier)).toEqual({ status: 'insufficient_funds', accountId: `wallet:${buyer}` });
    expect(await getHold(t.deps.db, order)).toBeNull();
    expect(await h.entriesFor(order)).toBe(0);
    expect(await h.bal(`wallet:${buyer}`)).toBe(999);
    expect(await h.bal(`supplier_held:${supplier}`)).toBe(0);
  });

  it('resolving an unknown hold is false', async () => {
    const order = `ord_${fakeUser()}`;
    expect(await inTx(t, (tx) => settleHold(tx, t.deps, order))).toBe(false);
    expect(await inTx(t, (tx) => voidHold(tx, t.deps, order, 'wallet:usr_x'))).toBe(false);
    expect(await inTx(t, (tx) => freezeHold(tx, t.deps, order))).toBe(false);
  });
});

describe(`ledger over HTTP (${dialectName})`, () => {
  let t: TestApp;
  let h: ReturnType<typeof helpers>;
  let admin: string;
  const clock = new ManualClock(Date.UTC(2026, 2, 15, 4, 0, 0)); // 12:00 on 15 March 2026 in Beijing
  beforeAll(async () => {
    t = await createTestApp({ clock });
    h = helpers(t);
    admin = await loginAdmin(t);
  });
  afterEach(async () => {
    const tb = await call(t.app, 'GET', '/api/v1/admin/ledger/trial-balance', { token: admin });
    expect(tb.status).toBe(200);
    expect(tb.body).toMatchObject({ balanced: true, mismatches: [], negativeAccounts: [] });
  });
  afterAll(async () => {
    await t.close();
  });

  const supplier = () => approvedSupplier(t, admin, '账本测试');

  it('GET /wallet and /wallet/postings show my money only, filtered and paged', async () => {
    const me = await registerAndLogin(t.app);
    const other = await registerAndLogin(t.app);
    expect((await call(t.app, 'GET', '/api/v1/wallet', { token: me.token })).body).toEqual({ balanceCents: 0 });
    const t0 = clock.now();
    await h.post({
      id: `topup:a:${me.userId}`,
      kind: 'top_up',
      refType: 'payment',
      refId: 'pay_1',
      transfers: [{ from: 'clearing:sandbox', to: `wallet:${me.userId}`, amountCents: 5000 }],
    });
    clock.advance(1000);
    await h.post({
      id: `spend:a:${me.userId}`,
      kind: 'test_spend',
      transfers: [{ from: `wallet:${me.userId}`, to: 'clearing:test', amountCents: 1200 }],
    });
    clock.advance(1000);
    await h.post({
      id: `topup:b:${me.userId}`,
      kind: 'top_up',
      transfers: [{ from: 'clearing:sandbox', to: `wallet:${me.userId}`, amountCents: 300 }],
    });
    await h.fund(`wallet:${other.userId}`, 77);

    expect((await call(t.app, 'GET', '/api/v1/wallet', { token: me.token })).body).toEqual({ balanceCents: 4100 });
    const all = await call(t.app, 'GET', '/api/v1/wallet/postings', { token: me.token });
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(3);
    expect(all.body.items.map((p: { amountCents: number }) => p.amountCents)).toEqual([300, -1200, 5000]);
    expect(all.body.items[2]).toMatchObject({
      entryId: `topup:a:${me.userId}`,
      accountId: `wallet:${me.userId}`,
      kind: 'top_up',
      refType: 'payment',
      refId: 'pay_1',
    });
    const topUps = await call(t.app, 'GET', '/api/v1/wallet/postings?kind=top_up', { token: me.token });
    expect(topUps.body.items.map((p: { amountCents: number }) => p.amountCents)).toEqual([300, 5000]);
    const window = await call(t.app, 'GET', `/api/v1/wallet/postings?from=${t0 + 500}&to=${t0 + 1500}`, {
      token: me.token,
    });
    expect(window.body.items.map((p: { amountCents: number }) => p.amountCents)).toEqual([-1200]);
    const page2 = await call(t.app, 'GET', '/api/v1/wallet/postings?page=2&pageSize=2', { token: me.token });
    expect(page2.body).toMatchObject({ total: 3, items: [{ amountCents: 5000 }] });
    const mine = await call(t.app, 'GET', '/api/v1/wallet/postings', { token: other.token });
    expect(mine.body.items.map((p: { amountCents: number }) => p.amountCents)).toEqual([77]);

    expect((await call(t.app, 'GET', '/api/v1/wallet/postings?pageSize=1000', { token: me.token })).status).toBe(400);
    expect((await call(t.app, 'GET', '/api/v1/wallet/postings?from=yesterday', { token: me.token })).status).toBe(400);
    expect((await call(t.app, 'GET', '/api/v1/wallet/postings?userId=x', { token: me.token })).status).toBe(400);
    expect((await call(t.app, 'GET', '/api/v1/wallet')).status).toBe(401);
  });

  it('GET /supplier/balance and /supplier/postings: held, frozen, available, withdrawing', async () => {
    const s = await supplier();
    const buyer = fakeUser();
    await h.fund(`wallet:${buyer}`, 3000);
    const inTx = <T>(fn: (tx: Executor) => Promise<T>) => t.deps.db.transaction().execute(fn);
    for (const n of [1, 2, 3]) {
      await inTx((tx) =>
        openHold(tx, t.deps, {
          orderId: `ord_http_${s.userId}_${n}`,
          supplierId: s.userId,
          supplierShareCents: 950,
          commissionCents: 50,
          payer: `wallet:${buyer}`,
          releaseAt: clock.now(),
        }),
      );
    }
    await inTx((tx) => settleHold(tx, t.deps, `ord_http_${s.userId}_1`));
    await inTx((tx) => freezeHold(tx, t.deps, `ord_http_${s.userId}_2`));
    const balance = await call(t.app, 'GET', '/api/v1/supplier/balance', { token: s.token });
    expect(balance.status).toBe(200);
    expect(balance.body).toEqual({ heldCents: 1900, frozenCents: 950, availableCents: 950, withdrawingCents: 0 });

    const postings = await call(t.app, 'GET', '/api/v1/supplier/postings', { token: s.token });
    expect(postings.body.total).toBe(5); // three holds in, one settlement out of held and into available
    const available = await call(t.app, 'GET', '/api/v1/supplier/postings?account=available', { token: s.token });
    expect(available.body.items).toHaveLength(1);
    expect(available.body.items[0]).toMatchObject({ kind: 'hold_settle', amountCents: 950 });

    const buyerToken = (await registerAndLogin(t.app)).token;
    expect((await call(t.app, 'GET', '/api/v1/supplier/balance', { token: buyerToken })).status).toBe(403);
    expect((await call(t.app, 'GET', '/api/v1/supplier/postings', { token: buyerToken })).status).toBe(403);
  });

  it('commission: default 5%, operators set platform, category and supplier rates; nearest wins', async () => {
    const s = await supplier();
    const parent = await call(t.app, 'POST', '/api/v1/admin/categories', { token: admin, body: { name: '游戏点卡' } });
    expect(parent.status).toBe(201);
    const child = await call(t.app, 'POST', '/api/v1/admin/categories', {
      token: admin,
      body: { name: '腾讯', parentId: parent.body.id },
    });
    expect(child.status).toBe(201);
    const path = [child.body.id, parent.body.id];
    // the path up is one query (a purchase asks for it), nearest first
    expect(await categoryPath(t.deps.db, child.body.id)).toEqual(path);
    expect(await categoryPath(t.deps.db, 'cat_none')).toEqual([]);
    const rate = () => commissionRateBps(t.deps.db, { supplierId: s.userId, categoryIds: path });

    expect(await rate()).toBe(500);
    const put = (body: unknown, token = admin) => call(t.app, 'PUT', '/api/v1/admin/commission-rates', { token, body });
    expect((await put({ scope: 'platform', rateBps: 600 })).status).toBe(200);
    expect(await rate()).toBe(600);
    expect((await put({ scope: 'category', scopeId: parent.body.id, rateBps: 400 })).status).toBe(200);
    expect(await rate()).toBe(400);
    expect((await put({ scope: 'category', scopeId: child.body.id, rateBps: 300 })).status).toBe(200);
    expect(await rate()).toBe(300);
    const sup = await put({ scope: 'supplier', scopeId: s.userId, rateBps: 0 });
    expect(sup.status).toBe(200);
    expect(sup.body).toMatchObject({ scope: 'supplier', scopeId: s.userId, rateBps: 0 });
    expect(await rate()).toBe(0);
    // another supplier in the same category gets the category rate
    expect(await commissionRateBps(t.deps.db, { supplierId: 'usr_other', categoryIds: path })).toBe(300);

    const list = await call(t.app, 'GET', '/api/v1/admin/commission-rates', { token: admin });
    expect(list.body.defaultRateBps).toBe(500);
    expect(list.body.items).toContainEqual(expect.objectContaining({ scope: 'platform', scopeId: null, rateBps: 600 }));

    const del = await call(t.app, 'DELETE', `/api/v1/admin/commission-rates/supplier/${s.userId}`, { token: admin });
    expect(del.status).toBe(200);
    expect(await rate()).toBe(300);
    expect(
      (await call(t.app, 'DELETE', `/api/v1/admin/commission-rates/supplier/${s.userId}`, { token: admin })).status,
    ).toBe(404);

    for (const bad of [
      { scope: 'platform', rateBps: 5001 },
      { scope: 'platform', rateBps: -1 },
      { scope: 'platform', rateBps: 12.5 },
      { scope: 'platform', scopeId: 'x', rateBps: 100 },
      { scope: 'category', rateBps: 100 },
      { scope: 'region', scopeId: 'x', rateBps: 100 },
      { scope: 'platform', rateBps: '100' },
    ]) {
      const r = await put(bad);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await put({ scope: 'category', scopeId: 'cat_nope', rateBps: 100 })).status).toBe(404);
    expect((await put({ scope: 'supplier', scopeId: 'usr_nope', rateBps: 100 })).status).toBe(404);
    expect((await put({ scope: 'platform', rateBps: 100 }, s.token)).status).toBe(403);

    const audit = await call(t.app, 'GET', '/api/v1/admin/audit-log?action=commission_rate.set', { token: admin });
    expect(audit.body.total).toBe(4);
    expect(audit.body.items.find((e: { objectId: string }) => e.objectId === 'platform:')).toMatchObject({
      details: { before: null, after: 600 },
    });
    await put({ scope: 'platform', rateBps: 500 });
  });

  it('documents every ledger and withdrawal route in the OpenAPI description', async () => {
    const res = await call(t.app, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/wallet',
        '/api/v1/wallet/postings',
        '/api/v1/supplier/balance',
        '/api/v1/supplier/postings',
        '/api/v1/supplier/payout-accounts',
        '/api/v1/supplier/withdrawals',
        '/api/v1/supplier/withdrawals/{id}',
        '/api/v1/admin/withdrawals',
        '/api/v1/admin/withdrawals/{id}/approve',
        '/api/v1/admin/withdrawals/{id}/mark-paid',
        '/api/v1/admin/withdrawals/{id}/reject',
        '/api/v1/admin/ledger/trial-balance',
        '/api/v1/admin/ledger/accounts/{id}/postings',
        '/api/v1/admin/ledger/daily-summary',
        '/api/v1/admin/commission-rates',
      ]),
    );
    const mine =
      /^\/api\/v1\/(wallet|supplier\/(balance|postings|payout-accounts|withdrawals)|admin\/(ledger|withdrawals|commission-rates))/;
    for (const [path, ops] of Object.entries(res.body.paths as Record<string, Record<string, any>>)) {
      if (!mine.test(path)) continue;
      for (const [method, op] of Object.entries(ops)) {
        expect(op.tags?.length, `${method} ${path} tags`).toBeGreaterThan(0);
        expect(op.responses['400'], `${method} ${path} 400`).toBeDefined();
        expect(op.responses['401'], `${method} ${path} 401`).toBeDefined();
      }
    }
  });

  it('operator views: trial balance, an account with its postings', async () => {
    const buyer = await registerAndLogin(t.app);
    const tb = await call(t.app, 'GET', '/api/v1/admin/ledger/trial-balance', { token: admin });
    expect(tb.body.balanced).toBe(true);
    expect(tb.body.debitsCents).toBe(tb.body.creditsCents);
    expect(tb.body.accountsChecked).toBeGreaterThan(0);
    expect((await call(t.app, 'GET', '/api/v1/admin/ledger/trial-balance', { token: buyer.token })).status).toBe(403);

    await h.fund(`wallet:${buyer.userId}`, 1234);
    const acct = await call(t.app, 'GET', `/api/v1/admin/ledger/accounts/wallet:${buyer.userId}/postings`, {
      token: admin,
    });
    expect(acct.status).toBe(200);
    expect(acct.body.account).toMatchObject({
      id: `wallet:${buyer.userId}`,
      kind: 'wallet',
      balanceCents: 1234,
      mayGoNegative: false,
    });
    expect(acct.body.items).toHaveLength(1);
    const encoded = await call(
      t.app,
      'GET',
      `/api/v1/admin/ledger/accounts/${encodeURIComponent(`wallet:${buyer.userId}`)}/postings`,
      { token: admin },
    );
    expect(encoded.body.account.id).toBe(`wallet:${buyer.userId}`);
    expect(
      (await call(t.app, 'GET', '/api/v1/admin/ledger/accounts/wallet:usr_nobody/postings', { token: admin })).status,
    ).toBe(404);
    expect(
      (
        await call(t.app, 'GET', `/api/v1/admin/ledger/accounts/wallet:${buyer.userId}/postings`, {
          token: buyer.token,
        })
      ).status,
    ).toBe(403);
  });

  it('the daily summary counts one Beijing day and closes with its balances', async () => {
    // a quiet day of its own, so earlier tests do not count
    clock.set(Date.UTC(2026, 3, 1, 16, 30, 0)); // 00:30 on 2 April in Beijing
    const [buyer, supplierId] = [fakeUser(), fakeUser()];
    const before = await call(t.app, 'GET', '/api/v1/admin/ledger/daily-summary?date=2026-04-02', { token: admin });
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ entries: 0, commissionCents: 0, heldCents: 0, topUpsCents: 0 });
    const closingBefore = before.body.closing;

    await h.post({
      id: `topup:${buyer}`,
      kind: 'top_up',
      transfers: [{ from: 'clearing:sandbox', to: `wallet:${buyer}`, amountCents: 10_000 }],
    });
    const inTx = <T>(fn: (tx: Executor) => Promise<T>) => t.deps.db.transaction().execute(fn);
    for (const [n, share, fee] of [
      [1, 1900, 100],
      [2, 950, 50],
      [3, 4750, 250],
    ] as const) {
      await inTx((tx) =>
        openHold(tx, t.deps, {
          orderId: `ord_day_${buyer}_${n}`,
          supplierId,
          supplierShareCents: share,
          commissionCents: fee,
          payer: `wallet:${buyer}`,
          releaseAt: clock.now(),
        }),
      );
    }
    await inTx((tx) => settleHold(tx, t.deps, `ord_day_${buyer}_1`));
    await inTx((tx) => voidHold(tx, t.deps, `ord_day_${buyer}_2`, `wallet:${buyer}`));
    await h.post({
      id: `wd:${supplierId}`,
      kind: 'withdrawal_request',
      transfers: [
        { from: `supplier_available:${supplierId}`, to: `supplier_withdrawing:${supplierId}`, amountCents: 1000 },
      ],
    });
    await h.post({
      id: `wd-paid:${supplierId}`,
      kind: 'withdrawal_paid',
      transfers: [{ from: `supplier_withdrawing:${supplierId}`, to: 'payouts:external', amountCents: 600 }],
    });
    // the next Beijing day starts at 16:00 UTC: this one does not count
    clock.set(Date.UTC(2026, 3, 2, 16, 0, 0));
    await h.fund(`wallet:${buyer}`, 1);

    const day = await call(t.app, 'GET', '/api/v1/admin/ledger/daily-summary?date=2026-04-02', { token: admin });
    expect(day.status).toBe(200);
    expect(day.body).toMatchObject({
      date: '2026-04-02',
      from: Date.UTC(2026, 3, 1, 16, 0, 0),
      to: Date.UTC(2026, 3, 2, 16, 0, 0),
      entries: 8,
      topUpsCents: 10_000,
      heldCents: 7600,
      commissionCents: 350,
      settledCents: 1900,
      refundedFromEscrowCents: 1000,
      withdrawalsRequestedCents: 1000,
      withdrawnCents: 600,
    });
    expect(day.body.closing).toEqual({
      heldCents: closingBefore.heldCents + 4750,
      availableCents: closingBefore.availableCents + 900,
      withdrawingCents: closingBefore.withdrawingCents + 400,
      walletsCents: closingBefore.walletsCents + 10_000 - 8000 + 1000,
      commissionCents: closingBefore.commissionCents + 350,
    });
    for (const bad of ['2026-4-2', '2026-02-30', 'today', '']) {
      expect(
        (await call(t.app, 'GET', `/api/v1/admin/ledger/daily-summary?date=${bad}`, { token: admin })).status,
      ).toBe(400);
    }
  });
});
