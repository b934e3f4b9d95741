import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { balanceCents, postEntry } from '../src/modules/ledger/ledger.service.ts';
import { call, login, loginAdmin, PASSWORD, registerAndLogin, type SecondFactor, staffUser } from './support/client.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';

describe(`payout accounts and withdrawals (${dialectName})`, () => {
  const clock = new ManualClock(Date.now());
  let t: TestApp;
  let admin: string;
  let operator2: string;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    admin = await loginAdmin(t);
    operator2 = (await user(['operator'])).token;
  });
  afterEach(async () => {
    await expectBalanced();
  });
  afterAll(async () => {
    await t.close();
  });

  async function expectBalanced() {
    const tb = await call(t.app, 'GET', '/api/v1/admin/ledger/trial-balance', { token: admin });
    expect(tb.status).toBe(200);
    expect(tb.body).toMatchObject({ balanced: true, mismatches: [], negativeAccounts: [], unbalancedEntries: [] });
  }

  /** A fresh account with 2FA on and the given roles, signed in (so its password was proved just now). */
  const user = (roles: ('supplier' | 'operator')[]) => staffUser(t, admin, roles);

  /** Proves the password and a fresh 2FA code again. */
  async function reauth(token: string, factor: SecondFactor) {
    const r = await call(t.app, 'POST', '/api/v1/auth/reauth', {
      token,
      body: { password: PASSWORD, totp: factor.next() },
    });
    expect(r.status).toBe(200);
  }

  async function fundAvailable(supplierId: string, amountCents: number) {
    const r = await t.deps.db.transaction().execute((tx) =>
      postEntry(tx, t.deps, {
        id: `test-fund:${supplierId}:${clock.now()}:${amountCents}`,
        kind: 'test_funding',
        transfers: [{ from: 'clearing:test', to: `supplier_available:${supplierId}`, amountCents }],
      }),
    );
    expect(r.status).toBe('posted');
  }

  async function payoutAccount(token: string, body: Record<string, unknown> = {}) {
    const r = await call(t.app, 'POST', '/api/v1/supplier/payout-accounts', {
      token,
      body: { kind: 'bank', holderName: '王五', bankName: '招商银行', account: '6225 8801 2345 6789', ...body },
    });
    expect(r.status).toBe(201);
    return r.body.id as string;
  }

  /** A supplier with 2FA on, a payout account and `fundsCents` available. */
  async function readySupplier(fundsCents: number, roles: ('supplier' | 'operator')[] = ['supplier']) {
    const s = await user(roles);
    const payoutAccountId = await payoutAccount(s.token);
    if (fundsCents > 0) await fundAvailable(s.userId, fundsCents);
    return { ...s, payoutAccountId };
  }

  const balance = async (token: string) => (await call(t.app, 'GET', '/api/v1/supplier/balance', { token })).body;
  const withdraw = (token: string, amountCents: number, payoutAccountId: string) =>
    call(t.app, 'POST', '/api/v1/supplier/withdrawals', { token, body: { amountCents, payoutAccountId } });
  const act = (id: string, action: string, token: string, body?: unknown) =>
    call(t.app, 'POST', `/api/v1/admin/withdrawals/${id}/${action}`, { token, ...(body ? { body } : {}) });

  it('a payout account needs a recent password confirmation, is stored encrypted and shown masked', async () => {
    const s = await user(['supplier']);
    clock.advance(11 * 60_000);
    const stale = await call(t.app, 'POST', '/api/v1/supplier/payout-accounts', {
      token: s.token,
      body: { kind: 'alipay', holderName: '李四', account: '13812345678' },
    });
    expect(stale.status).toBe(403);
    expect(stale.body.error.code).toBe('REAUTH_REQUIRED');
    await reauth(s.token, s.factor);
    const alipay = await call(t.app, 'POST', '/api/v1/supplier/payout-accounts', {
      token: s.token,
      body: { kind: 'alipay', holderName: '李四', account: '13812345678' },
    });
    expect(alipay.status).toBe(201);
    expect(alipay.body).toMatchObject({
      kind: 'alipay',
      holderName: '李四',
      bankName: null,
      accountMasked: '****5678',
    });
    expect(alipay.body.id).toMatch(/^pya_/);
    const bank = await payoutAccount(s.token);

    const list = await call(t.app, 'GET', '/api/v1/supplier/payout-accounts', { token: s.token });
    expect(list.body.items.map((a: { id: string }) => a.id).sort()).toEqual([alipay.body.id, bank].sort());
    expect(list.body.items.find((a: { id: string }) => a.id === bank)).toMatchObject({
      kind: 'bank',
      bankName: '招商银行',
      accountMasked: '****6789',
    });
    const text = JSON.stringify(list.body);
    expect(text).not.toContain('13812345678');
    expect(text).not.toContain('6225880123456789');
    const rows = await t.deps.db.selectFrom('payout_accounts').selectAll().where('user_id', '=', s.userId).execute();
    for (const r of rows) {
      expect(r.account_enc).toMatch(/^v1\./);
      expect(r.account_enc).not.toContain('5678');
      expect(r.account_enc).not.toContain('6789');
    }

    for (const body of [
      { kind: 'bank', holderName: '王五', bankName: '招商银行', account: '1234' },
      { kind: 'bank', holderName: '王五', bankName: '招商银行', account: '6225-8801-2345-678X' },
      { kind: 'bank', holderName: '王五', account: '6225880123456789' },
      { kind: 'alipay', holderName: '李四', account: 'not an account' },
      { kind: 'wechat', holderName: '李四', account: '13812345678' },
      { kind: 'alipay', holderName: '', account: '13812345678' },
      { kind: 'alipay', holderName: '李四', account: '13812345678', userId: 'usr_other' },
    ]) {
      const r = await call(t.app, 'POST', '/api/v1/supplier/payout-accounts', { token: s.token, body });
      expect(r.status).toBe(400);
    }
    const buyer = await registerAndLogin(t.app);
    expect((await call(t.app, 'GET', '/api/v1/supplier/payout-accounts', { token: buyer.token })).status).toBe(403);

    const audit = await call(t.app, 'GET', `/api/v1/admin/audit-log?action=payout_account.create&actorId=${s.userId}`, {
      token: admin,
    });
    expect(audit.body.total).toBe(2);
    expect(JSON.stringify(audit.body)).not.toContain('13812345678');
  });

  it('withdrawing needs two-factor sign-in, then a recent re-authentication', async () => {
    // a supplier without 2FA (the role set on a plain account) is stopped before anything is written
    const plain = await registerAndLogin(t.app);
    await call(t.app, 'PUT', `/api/v1/admin/users/${plain.userId}/roles`, {
      token: admin,
      body: { roles: ['supplier'] },
    });
    const plainToken = (await login(t.app, plain.email)).token;
    const no2fa = await withdraw(plainToken, 1000, 'pya_any');
    expect(no2fa.status).toBe(403);
    expect(no2fa.body.error.code).toBe('TWO_FACTOR_REQUIRED');

    const s = await user(['supplier']);
    const accountId = await payoutAccount(s.token);
    await fundAvailable(s.userId, 10_000);
    clock.advance(11 * 60_000);
    const stale = await withdraw(s.token, 1000, accountId);
    expect(stale.status).toBe(403);
    expect(stale.body.error.code).toBe('REAUTH_REQUIRED');
    expect(await balance(s.token)).toMatchObject({ availableCents: 10_000, withdrawingCents: 0 });

    await reauth(s.token, s.factor);
    const ok = await withdraw(s.token, 1000, accountId);
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ status: 'pending', amountCents: 1000, supplierId: s.userId, requiredApprovals: 1 });

    const buyer = await registerAndLogin(t.app);
    expect((await withdraw(buyer.token, 1000, accountId)).status).toBe(403);
  });

  it('Idempotency-Key: the same key and body answer the same withdrawal; another body with it is refused', async () => {
    const s = await readySupplier(50_000);
    const headers = { 'idempotency-key': 'payout-2026-12' };
    const send = (amountCents: number, token = s.token) =>
      call(t.app, 'POST', '/api/v1/supplier/withdrawals', {
        token,
        headers,
        body: { amountCents, payoutAccountId: s.payoutAccountId },
      });
    const first = await send(20_000);
    expect(first.status).toBe(201);
    const again = await send(20_000);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await balance(s.token)).toMatchObject({ availableCents: 30_000, withdrawingCents: 20_000 });
    const other = await send(10_000);
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('IDEMPOTENCY_MISMATCH');
    // the key is the supplier's own: another supplier's same key makes their own withdrawal
    const s2 = await readySupplier(5_000);
    const theirs = await call(t.app, 'POST', '/api/v1/supplier/withdrawals', {
      token: s2.token,
      headers,
      body: { amountCents: 5_000, payoutAccountId: s2.payoutAccountId },
    });
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(first.body.id);
    const mine = await call(t.app, 'GET', '/api/v1/supplier/withdrawals', { token: s.token });
    expect(mine.body.items.map((w: { id: string }) => w.id)).toEqual([first.body.id]);
  });

  it('after one password + TOTP confirmation, a payout account and a withdrawal follow without asking again, until the operator-set window passes', async () => {
    const s = await user(['supplier']);
    clock.advance(11 * 60_000);
    // one confirmation (its TOTP step is used up: a second within 30 s would be refused as a replay)
    const confirmed = await call(t.app, 'POST', '/api/v1/auth/reauth', {
      token: s.token,
      body: { password: PASSWORD, totp: s.factor.next() },
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.stepUpSeconds).toBe(300);
    const accountId = await payoutAccount(s.token);
    await fundAvailable(s.userId, 10_000);
    clock.advance(4 * 60_000);
    expect((await withdraw(s.token, 1000, accountId)).status).toBe(201);
    // past the default 5 minutes the server asks again (PROMISES #24)
    clock.advance(60_000 + 1);
    const late = await withdraw(s.token, 1000, accountId);
    expect(late.status).toBe(403);
    expect(late.body.error.code).toBe('REAUTH_REQUIRED');
    expect(late.body.error.details.maxAgeSeconds).toBe(300);

    // an admin widens the window; a buyer or an operator cannot, and it stays within 1–60 minutes
    const path = '/api/v1/admin/settings';
    expect(
      (await call(t.app, 'PATCH', path, { token: operator2, body: { 'accounts.stepUpMinutes': 30 } })).status,
    ).toBe(403);
    expect((await call(t.app, 'PATCH', path, { token: admin, body: { 'accounts.stepUpMinutes': 0 } })).status).toBe(
      400,
    );
    expect((await call(t.app, 'PATCH', path, { token: admin, body: { 'accounts.stepUpMinutes': 61 } })).status).toBe(
      400,
    );
    const set = await call(t.app, 'PATCH', path, { token: admin, body: { 'accounts.stepUpMinutes': 15 } });
    expect(set.status).toBe(200);
    expect(set.body['accounts.stepUpMinutes']).toBe(15);
    // the confirmation 5 minutes ago now counts for 15
    expect((await withdraw(s.token, 1000, accountId)).status).toBe(201);
    clock.advance(10 * 60_000);
    expect((await withdraw(s.token, 1000, accountId)).body.error.code).toBe('REAUTH_REQUIRED');
    expect((await call(t.app, 'PATCH', path, { token: admin, body: { 'accounts.stepUpMinutes': 5 } })).status).toBe(
      200,
    );
  });

  it('a withdrawal below the threshold: request → one approval → paid; balances and audit at each step', async () => {
    const s = await readySupplier(100_000);
    expect(await balance(s.token)).toEqual({
      heldCents: 0,
      frozenCents: 0,
      availableCents: 100_000,
      withdrawingCents: 0,
    });

    const tooMuch = await withdraw(s.token, 100_001, s.payoutAccountId);
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.error).toMatchObject({ code: 'INSUFFICIENT_FUNDS', details: { availableCents: 100_000 } });
    for (const amountCents of [0, -100, 10.5, '100']) {
      expect(
        (
          await call(t.app, 'POST', '/api/v1/supplier/withdrawals', {
            token: s.token,
            body: { amountCents, payoutAccountId: s.payoutAccountId },
          })
        ).status,
      ).toBe(400);
    }

    const req = await withdraw(s.token, 30_000, s.payoutAccountId);
    expect(req.status).toBe(201);
    const id = req.body.id as string;
    expect(id).toMatch(/^wdr_/);
    expect(req.body.payoutAccount).toMatchObject({ id: s.payoutAccountId, accountMasked: '****6789' });
    expect(await balance(s.token)).toMatchObject({ availableCents: 70_000, withdrawingCents: 30_000 });
    await expectBalanced();

    const early = await act(id, 'mark-paid', admin, {});
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('INVALID_STATE');

    const pending = await call(t.app, 'GET', '/api/v1/admin/withdrawals?status=pending', { token: admin });
    expect(pending.body.items.map((w: { id: string }) => w.id)).toContain(id);

    clock.advance(60_000);
    const approved = await act(id, 'approve', admin);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', requiredApprovals: 1 });
    expect(approved.body.approvals).toHaveLength(1);
    expect((await act(id, 'approve', operator2)).status).toBe(409);
    await expectBalanced();

    const paid = await act(id, 'mark-paid', operator2, { payoutRef: 'CMB-20260101-0001' });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'paid', payoutRef: 'CMB-20260101-0001' });
    expect(paid.body.paidAt).toBe(clock.now());
    expect(await balance(s.token)).toMatchObject({ availableCents: 70_000, withdrawingCents: 0 });
    expect((await act(id, 'mark-paid', admin, {})).status).toBe(409);
    expect((await act(id, 'reject', admin, { reason: '太迟了' })).status).toBe(409);

    const payouts = await call(t.app, 'GET', '/api/v1/admin/ledger/accounts/payouts:external/postings', {
      token: admin,
    });
    expect(payouts.body.items).toContainEqual(
      expect.objectContaining({ kind: 'withdrawal_paid', refId: id, amountCents: 30_000 }),
    );
    const supplierPostings = await call(t.app, 'GET', '/api/v1/supplier/postings?account=withdrawing', {
      token: s.token,
    });
    expect(supplierPostings.body.items.map((p: { amountCents: number }) => p.amountCents)).toEqual([-30_000, 30_000]);

    const audit = await call(t.app, 'GET', `/api/v1/admin/audit-log?objectType=withdrawal&objectId=${id}`, {
      token: admin,
    });
    expect(audit.body.items.map((e: { action: string }) => e.action).sort()).toEqual([
      'withdrawal.approve',
      'withdrawal.mark_paid',
      'withdrawal.request',
    ]);
    const mine = await call(t.app, 'GET', `/api/v1/supplier/withdrawals/${id}`, { token: s.token });
    expect(mine.body.status).toBe('paid');
  });

  it('above the threshold two different operators approve; the requester never approves their own', async () => {
    // a supplier who is also an operator
    const s = await readySupplier(1_100_000, ['supplier', 'operator']);
    const big = await withdraw(s.token, 600_000, s.payoutAccountId);
    expect(big.status).toBe(201);
    expect(big.body.requiredApprovals).toBe(2);
    const id = big.body.id as string;

    const own = await act(id, 'approve', s.token);
    expect(own.status).toBe(403);
    expect(own.body.error.details).toMatchObject({ reason: 'own_withdrawal' });

    const first = await act(id, 'approve', admin);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'pending', requiredApprovals: 2 });
    expect(first.body.approvals).toHaveLength(1);
    const again = await act(id, 'approve', admin);
    expect(again.status).toBe(409);
    expect(again.body.error.details).toMatchObject({ reason: 'second_approver_required' });
    const notYet = await act(id, 'mark-paid', admin, {});
    expect(notYet.status).toBe(409);
    expect(notYet.body.error.code).toBe('INVALID_STATE');
    expect((await act(id, 'approve', s.token)).status).toBe(403);
    await expectBalanced();

    const second = await act(id, 'approve', operator2);
    expect(second.status).toBe(200);
    expect(second.body.status).toBe('approved');
    expect(second.body.approvals.map((a: { operatorId: string }) => a.operatorId)).toHaveLength(2);
    expect((await act(id, 'mark-paid', s.token, {})).status).toBe(403);
    const paid = await act(id, 'mark-paid', admin, {});
    expect(paid.status).toBe(200);
    expect(await balance(s.token)).toMatchObject({ availableCents: 500_000, withdrawingCents: 0 });

    // exactly at the threshold one approval is enough
    const edge = await withdraw(s.token, 500_000, s.payoutAccountId);
    expect(edge.body.requiredApprovals).toBe(1);
    expect((await act(edge.body.id, 'approve', operator2)).body.status).toBe('approved');
    expect((await act(edge.body.id, 'reject', admin, { reason: '测试' })).status).toBe(200);
  });

  it('a threshold lowered after the request still asks for a second approval', async () => {
    const s = await readySupplier(10_000);
    const req = await withdraw(s.token, 5_000, s.payoutAccountId);
    expect(req.body.requiredApprovals).toBe(1);
    const threshold = (cents: number) =>
      call(t.app, 'PATCH', '/api/v1/admin/settings', {
        token: admin,
        body: { 'withdrawals.secondApprovalAboveCents': cents },
      });
    expect((await threshold(1_000)).status).toBe(200);
    try {
      const first = await act(req.body.id, 'approve', admin);
      expect(first.body).toMatchObject({ status: 'pending', requiredApprovals: 2 });
      expect((await act(req.body.id, 'approve', operator2)).body.status).toBe('approved');
    } finally {
      expect((await threshold(500_000)).status).toBe(200);
    }
  });

  it('a rejected or failed withdrawal returns the money to the available balance, once', async () => {
    const s = await readySupplier(50_000);
    const a = await withdraw(s.token, 20_000, s.payoutAccountId);
    const b = await withdraw(s.token, 25_000, s.payoutAccountId);
    expect(await balance(s.token)).toMatchObject({ availableCents: 5_000, withdrawingCents: 45_000 });

    expect((await act(a.body.id, 'reject', admin, {})).status).toBe(400);
    expect((await act(a.body.id, 'reject', admin, { reason: '' })).status).toBe(400);
    const rejected = await act(a.body.id, 'reject', admin, { reason: '收款人与实名不符' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', reason: '收款人与实名不符' });
    expect(await balance(s.token)).toMatchObject({ availableCents: 25_000, withdrawingCents: 25_000 });
    expect((await act(a.body.id, 'reject', admin, { reason: 'again' })).status).toBe(409);
    expect((await act(a.body.id, 'approve', admin)).status).toBe(409);
    expect((await act(a.body.id, 'mark-paid', admin, {})).status).toBe(409);
    await expectBalanced();

    // failing needs an approved withdrawal; then it is void as well
    expect((await act(b.body.id, 'mark-failed', admin, { reason: '银行退票' })).status).toBe(409);
    await act(b.body.id, 'approve', admin);
    const failed = await act(b.body.id, 'mark-failed', admin, { reason: '银行退票' });
    expect(failed.status).toBe(200);
    expect(failed.body.status).toBe('failed');
    expect(await balance(s.token)).toMatchObject({ availableCents: 50_000, withdrawingCents: 0 });
    expect((await act(b.body.id, 'mark-paid', admin, {})).status).toBe(409);

    const voids = await call(t.app, 'GET', '/api/v1/supplier/postings?kind=withdrawal_void&account=available', {
      token: s.token,
    });
    expect(voids.body.items.map((p: { amountCents: number }) => p.amountCents).sort()).toEqual([20_000, 25_000]);
    const list = await call(t.app, 'GET', '/api/v1/supplier/withdrawals?status=rejected', { token: s.token });
    expect(list.body).toMatchObject({ total: 1, items: [{ id: a.body.id }] });
  });

  it('a supplier sees and uses only its own withdrawals and payout accounts', async () => {
    const a = await readySupplier(10_000);
    const b = await readySupplier(10_000);
    const mine = await withdraw(a.token, 1_000, a.payoutAccountId);
    expect(mine.status).toBe(201);

    const peek = await call(t.app, 'GET', `/api/v1/supplier/withdrawals/${mine.body.id}`, { token: b.token });
    expect(peek.status).toBe(404);
    expect(JSON.stringify(peek.body)).not.toContain('6789');
    const bList = await call(t.app, 'GET', '/api/v1/supplier/withdrawals', { token: b.token });
    expect(bList.body.total).toBe(0);
    const bAccounts = await call(t.app, 'GET', '/api/v1/supplier/payout-accounts', { token: b.token });
    expect(bAccounts.body.items.map((x: { id: string }) => x.id)).toEqual([b.payoutAccountId]);

    // paying out to someone else's account is not possible either
    const theft = await withdraw(b.token, 1_000, a.payoutAccountId);
    expect(theft.status).toBe(404);
    expect(await balance(b.token)).toMatchObject({ availableCents: 10_000, withdrawingCents: 0 });
    expect((await withdraw(b.token, 1_000, 'pya_nope')).status).toBe(404);

    for (const token of [a.token, b.token]) {
      expect((await call(t.app, 'GET', '/api/v1/admin/withdrawals', { token })).status).toBe(403);
      expect((await act(mine.body.id, 'approve', token)).status).toBe(403);
    }
    expect((await call(t.app, 'GET', '/api/v1/supplier/withdrawals/wdr_nope', { token: a.token })).status).toBe(404);
    expect((await call(t.app, 'GET', '/api/v1/admin/withdrawals/wdr_nope', { token: admin })).status).toBe(404);
    expect((await act('wdr_nope', 'approve', admin)).status).toBe(404);
    const filtered = await call(t.app, 'GET', `/api/v1/admin/withdrawals?supplierId=${a.userId}`, { token: admin });
    expect(filtered.body.items.map((w: { id: string }) => w.id)).toEqual([mine.body.id]);
  });

  it('an operator sees the full payout account to make the transfer, and the look is audited', async () => {
    const s = await readySupplier(10_000);
    const w = await withdraw(s.token, 2_000, s.payoutAccountId);
    // the supplier sees his own holder name whole; the operators' list, detail and export show it masked
    expect(w.body.payoutAccount.holderName).toBe('王五');
    const own = await call(t.app, 'GET', `/api/v1/supplier/withdrawals/${w.body.id}`, { token: s.token });
    expect(own.body.payoutAccount.holderName).toBe('王五');
    const listed = await call(t.app, 'GET', `/api/v1/admin/withdrawals?supplierId=${s.userId}`, { token: operator2 });
    expect(listed.body.items[0].payoutAccount).toMatchObject({ holderName: '王*', accountMasked: '****6789' });
    const detail = await call(t.app, 'GET', `/api/v1/admin/withdrawals/${w.body.id}`, { token: operator2 });
    expect(detail.body.payoutAccount.holderName).toBe('王*');
    const csv = await call(t.app, 'GET', `/api/v1/admin/withdrawals/export?format=csv&supplierId=${s.userId}`, {
      token: operator2,
    });
    expect(csv.status).toBe(200);
    expect(csv.body).toContain('王*');
    expect(csv.body).not.toContain('王五');
    const mine = await call(t.app, 'GET', '/api/v1/supplier/withdrawals/export?format=csv', { token: s.token });
    expect(mine.body).toContain('王五');
    const shown = await call(t.app, 'POST', `/api/v1/admin/withdrawals/${w.body.id}/payout-account`, {
      token: operator2,
    });
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ kind: 'bank', holderName: '王五', account: '6225880123456789' });
    const audit = await call(
      t.app,
      'GET',
      `/api/v1/admin/audit-log?action=payout_account.reveal&objectId=${s.payoutAccountId}`,
      {
        token: admin,
      },
    );
    expect(audit.body.total).toBe(1);
    expect(JSON.stringify(audit.body)).not.toContain('6225880123456789');
    expect(
      (await call(t.app, 'POST', `/api/v1/admin/withdrawals/${w.body.id}/payout-account`, { token: s.token })).status,
    ).toBe(403);
    await act(w.body.id, 'reject', admin, { reason: 'cleanup' });
  });

  it('concurrent withdrawals cannot take more than the available balance', async () => {
    const s = await readySupplier(1_000);
    const results = await Promise.all(Array.from({ length: 10 }, () => withdraw(s.token, 300, s.payoutAccountId)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'INSUFFICIENT_FUNDS')).toBe(true);
    expect(results.filter((r) => r.status === 409)).toHaveLength(7);
    expect(await balance(s.token)).toMatchObject({ availableCents: 100, withdrawingCents: 900 });
    expect(await balanceCents(t.deps.db, `supplier_available:${s.userId}`)).toBe(100);
  });

  it('withdrawal requests are rate-limited per user', async () => {
    const s = await user(['supplier']);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await withdraw(s.token, 100, 'pya_nope')).status);
    expect(statuses.slice(0, 10).every((c) => c === 404)).toBe(true);
    expect(statuses[10]).toBe(429);
    // another supplier is not affected
    const other = await user(['supplier']);
    expect((await withdraw(other.token, 100, 'pya_nope')).status).toBe(404);
  });
});
