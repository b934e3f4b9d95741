/**
 * The platform's level: an arbitrator (or an admin) rules on a case at any open stage, with a written
 * ruling both sides see. The ruling is final; money and keys follow it in the same transaction.
 */
import type { DisputeAction, DisputeStatus } from '@kameng/contracts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { invalidateCatalogCache } from '../catalog/catalog.service.ts';
import { audit } from './disputes.answers.ts';
import { caseFor, expectStatus, notifyParties, OPEN_STATUSES, step } from './disputes.cases.ts';
import { endCase, refundCase, replaceCase } from './disputes.remedies.ts';
import { reviewSupplier } from './disputes.standings.ts';

const RULED: Record<DisputeAction, DisputeStatus> = {
  refund: 'resolved_refund',
  replace: 'resolved_replace',
  reject: 'rejected',
};

export async function ruleDispute(
  deps: Deps,
  auth: AuthContext,
  id: string,
  body: {
    action: DisputeAction;
    amountCents?: number | undefined;
    ruling: string;
    refundTo?: 'wallet' | 'original' | undefined;
  },
  ip: string,
): Promise<{ id: string; status: DisputeStatus }> {
  const done = await deps.db.transaction().execute(async (tx) => {
    const c = await caseFor(tx, deps, auth, id, 'platform');
    expectStatus(c, OPEN_STATUSES);
    let amountCents: number | null = null;
    if (body.action === 'refund') {
      const r = await refundCase(tx, deps, c, {
        amountCents: body.amountCents,
        stepName: 'ruling',
        to: body.refundTo ?? 'wallet',
      });
      amountCents = r.amountCents;
    } else if (body.action === 'replace') {
      await replaceCase(tx, deps, c);
    }
    const status = RULED[body.action];
    await step(
      tx,
      deps,
      c,
      OPEN_STATUSES,
      { status, level: 'platform', ruling_action: body.action, ruling_amount_cents: amountCents },
      { actor: 'platform', actorId: auth.userId, kind: 'ruling', action: body.action, amountCents, body: body.ruling },
    );
    await endCase(tx, deps, c);
    await notifyParties(tx, deps, c, status);
    await audit(tx, deps, auth, c, 'dispute.rule', ip, { action: body.action, amountCents, refundTo: body.refundTo });
    return { status, supplierId: c.supplier_id };
  });
  await reviewSupplier(deps, done.supplierId);
  // fresh keys left the product's stock
  if (body.action === 'replace') await invalidateCatalogCache(deps);
  return { id, status: done.status };
}
