/**
 * An approved qualification lapses at its expiry date: the job marks it expired and, unless the supplier holds
 * another live one of the same type, takes his goods in the categories requiring that type off sale and tells him.
 */
import { writeAudit } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { takeOffSaleInCategories } from '../catalog/catalog.service.ts';
import { invalidateCatalogCache } from '../catalog/catalog.service.ts';
import { createNotice } from '../notify/notify.service.ts';
import * as q from './compliance.queries.ts';
import { qualificationLabel } from './qualifications.ts';

/** One pass over the lapsed qualifications; returns how many products went off sale. */
export async function expireQualifications(deps: Deps): Promise<{ expired: number; offSale: number }> {
  const now = deps.clock.now();
  let expired = 0;
  let offSale = 0;
  for (const lapsed of await q.lapsedQualifications(deps.db, now, 200)) {
    const taken = await deps.db.transaction().execute(async (tx) => {
      // another worker may have got here first: only the one that moves it acts
      if (!(await q.moveQualification(tx, lapsed.id, ['approved'], { status: 'expired', updated_at: now })))
        return null;
      const stillCovered = await q.hasLiveQualification(tx, lapsed.supplier_id, lapsed.type, now);
      const products = stillCovered
        ? []
        : await takeOffSaleInCategories(tx, lapsed.supplier_id, await q.categoriesRequiring(tx, lapsed.type), now);
      await writeAudit(tx, deps, {
        actorId: null,
        action: 'qualification.expired',
        objectType: 'qualification',
        objectId: lapsed.id,
        details: { supplierId: lapsed.supplier_id, type: lapsed.type, offSale: products.map((p) => p.id) },
      });
      const label = qualificationLabel(lapsed.type);
      await createNotice(tx, deps, {
        userId: lapsed.supplier_id,
        kind: 'qualification.expired',
        title: `资质已过期：${label}`,
        body:
          products.length > 0
            ? `您的${label}已过期，需要该资质的类目中的 ${products.length} 件商品已下架（${products
                .slice(0, 5)
                .map((p) => p.title)
                .join('、')}${products.length > 5 ? ' 等' : ''}）。请上传新的资质，审核通过后即可重新上架。`
            : `您的${label}已过期，请及时上传新的资质。`,
        link: '/supplier/qualifications',
        email: true,
      });
      return products.length;
    });
    if (taken === null) continue;
    expired += 1;
    offSale += taken;
  }
  if (offSale > 0) await invalidateCatalogCache(deps);
  return { expired, offSale };
}
