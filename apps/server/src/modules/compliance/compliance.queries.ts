import type { QualificationType } from '@kameng/contracts';
import type { Executor } from '../../platform/db/database.ts';
import type {
  BannedGoodsClassesTable,
  CategoryQualificationRequirementsTable,
  QualificationStatus,
  SupplierQualificationsTable,
} from './compliance.tables.ts';

export type QualificationRow = SupplierQualificationsTable;

// the listing columns: everything but the sealed document
const LIST_COLUMNS = [
  'id',
  'supplier_id',
  'type',
  'wrapped_dek',
  'holder_name_enc',
  'holder_name_masked',
  'id_number_enc',
  'id_number_masked',
  'note',
  'expires_at',
  'status',
  'reason',
  'document_type',
  'document_bytes',
  'document_name',
  'reviewed_by',
  'reviewed_at',
  'created_at',
  'updated_at',
] as const;
export type QualificationListRow = Omit<QualificationRow, 'document_enc'>;

function fix<T extends { expires_at: unknown; created_at: unknown; updated_at: unknown; reviewed_at: unknown }>(
  r: T,
): T {
  return {
    ...r,
    expires_at: Number(r.expires_at),
    created_at: Number(r.created_at),
    updated_at: Number(r.updated_at),
    reviewed_at: r.reviewed_at === null ? null : Number(r.reviewed_at),
  };
}

export async function insertQualification(db: Executor, row: QualificationRow): Promise<void> {
  await db.insertInto('supplier_qualifications').values(row).execute();
}

export async function findQualification(db: Executor, id: string): Promise<QualificationListRow | undefined> {
  const r = await db.selectFrom('supplier_qualifications').select(LIST_COLUMNS).where('id', '=', id).executeTakeFirst();
  return r ? fix(r) : undefined;
}

export async function findDocument(db: Executor, id: string) {
  return db
    .selectFrom('supplier_qualifications')
    .select(['id', 'supplier_id', 'wrapped_dek', 'document_enc', 'document_type', 'document_name'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listQualifications(
  db: Executor,
  f: { supplierId?: string | undefined; status?: QualificationStatus | undefined; limit: number; offset: number },
): Promise<{ rows: QualificationListRow[]; total: number }> {
  let q = db.selectFrom('supplier_qualifications');
  if (f.supplierId) q = q.where('supplier_id', '=', f.supplierId);
  if (f.status) q = q.where('status', '=', f.status);
  const [rows, count] = await Promise.all([
    q
      .select(LIST_COLUMNS)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(fix), total: Number(count.n) };
}

/** Moves a qualification from one of `from` to a new state; false when it was in none of them. */
export async function moveQualification(
  db: Executor,
  id: string,
  from: QualificationStatus[],
  patch: Partial<QualificationRow>,
): Promise<boolean> {
  const r = await db
    .updateTable('supplier_qualifications')
    .set(patch)
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function hasLiveQualification(
  db: Executor,
  supplierId: string,
  type: QualificationType,
  now: number,
): Promise<boolean> {
  const r = await db
    .selectFrom('supplier_qualifications')
    .select('id')
    .where('supplier_id', '=', supplierId)
    .where('type', '=', type)
    .where('status', '=', 'approved')
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return r !== undefined;
}

export async function lapsedQualifications(db: Executor, now: number, limit: number) {
  return db
    .selectFrom('supplier_qualifications')
    .select(['id', 'supplier_id', 'type', 'expires_at'])
    .where('status', '=', 'approved')
    .where('expires_at', '<=', now)
    .orderBy('expires_at')
    .limit(limit)
    .execute();
}

// ─── what categories require ───

export async function requirementsIn(
  db: Executor,
  categoryIds: string[],
): Promise<CategoryQualificationRequirementsTable[]> {
  if (categoryIds.length === 0) return [];
  return db
    .selectFrom('category_qualification_requirements')
    .selectAll()
    .where('category_id', 'in', categoryIds)
    .execute();
}

export async function listRequirements(db: Executor): Promise<CategoryQualificationRequirementsTable[]> {
  return db.selectFrom('category_qualification_requirements').selectAll().orderBy('category_id').execute();
}

export async function categoriesRequiring(db: Executor, type: QualificationType): Promise<string[]> {
  const rows = await db
    .selectFrom('category_qualification_requirements')
    .select('category_id')
    .where('qualification_type', '=', type)
    .execute();
  return rows.map((r) => r.category_id);
}

export async function setRequirement(
  db: Executor,
  categoryId: string,
  type: QualificationType | null,
  by: string,
  now: number,
): Promise<void> {
  await db.deleteFrom('category_qualification_requirements').where('category_id', '=', categoryId).execute();
  if (type === null) return;
  await db
    .insertInto('category_qualification_requirements')
    .values({ category_id: categoryId, qualification_type: type, updated_by: by, updated_at: now })
    .execute();
}

// ─── banned goods ───

export async function listBannedClasses(db: Executor): Promise<BannedGoodsClassesTable[]> {
  return db.selectFrom('banned_goods_classes').selectAll().orderBy('name').execute();
}

export async function replaceBannedClasses(
  db: Executor,
  classes: { name: string; keywords: string[] }[],
  now: number,
): Promise<void> {
  await db.deleteFrom('banned_goods_classes').execute();
  if (classes.length === 0) return;
  await db
    .insertInto('banned_goods_classes')
    .values(classes.map((c) => ({ name: c.name, keywords: JSON.stringify(c.keywords), updated_at: now })))
    .execute();
}
