/**
 * A supplier's unsold card keys as CSV or .xlsx. Masked by default; in full only after a fresh password
 * confirmation, and then the export itself is audited (who, which product, how many keys). Sold keys are
 * the buyers' and never leave through an export.
 */
import { writeAudit } from '../../platform/audit.ts';
import { decrypt } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { type ExportColumn, type ExportSpec, keysetPages } from '../../platform/http/export.ts';
import { requireRecentAuth } from '../accounts/accounts.service.ts';
import { batchKeys } from './vault.data-keys.ts';
import * as q from './vault.queries.ts';
import { ownedAutoProduct } from './vault.supplier-keys.ts';
import type { KeyStatus } from './vault.tables.ts';

export type UnsoldStatus = Exclude<KeyStatus, 'sold'>;
type ExportedKey = q.ExportKeyRow & { secret: string };

const PAGE = 1000;

export async function exportUnsoldKeys(
  deps: Deps,
  auth: AuthContext,
  productId: string,
  f: { status: UnsoldStatus; reveal: boolean },
  ip: string,
): Promise<ExportSpec<ExportedKey>> {
  const product = await ownedAutoProduct(deps.db, auth.userId, productId);
  if (f.reveal) {
    await requireRecentAuth(deps, auth);
    await writeAudit(deps.db, deps, {
      actorId: auth.userId,
      action: 'card_keys.export_reveal',
      objectType: 'product',
      objectId: productId,
      ip,
      details: { status: f.status, keys: await q.countKeys(deps.db, productId, f.status) },
    });
  }
  const columns: ExportColumn<ExportedKey>[] = [
    { header: '卡密 Key', kind: 'text', value: (k) => k.secret, width: f.reveal ? 40 : 24 },
    { header: '状态 Status', kind: 'text', value: (k) => k.status, width: 10 },
    { header: '导入时间 Imported (CST)', kind: 'time', value: (k) => k.created_at },
    { header: '批次 Batch', kind: 'text', value: (k) => k.batch_id, width: 32 },
    { header: '编号 Key id', kind: 'text', value: (k) => k.id, width: 32 },
    { header: '商品 Product', kind: 'text', value: () => product.title, width: 24 },
  ];
  const rows = keysetPages<ExportedKey>(PAGE, async (after) => {
    const page = await q.keysAfter(deps.db, productId, f.status, after && { at: after.created_at, id: after.id }, PAGE);
    if (!f.reveal) return page.map((k) => ({ ...k, secret: k.masked }));
    const deks = await batchKeys(
      deps.db,
      deps,
      page.map((k) => k.batch_id),
    );
    return page.map((k) => ({ ...k, secret: decrypt(deks.get(k.batch_id)!, k.secret_enc, k.id).toString('utf8') }));
  });
  return { name: f.reveal ? 'card-keys-revealed' : 'card-keys', columns, rows };
}
