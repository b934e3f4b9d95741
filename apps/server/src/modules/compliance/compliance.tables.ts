import type { QualificationType } from '@kameng/contracts';
import type { Millis } from '../../platform/db/schema.ts';

export type QualificationStatus = 'awaiting_document' | 'pending' | 'approved' | 'rejected' | 'expired';

/**
 * A supplier's qualification (资质): who it names and the document proving it, sealed under the row's own data key
 * (AES-256-GCM), which is wrapped by a key derived from the master key: the vault's envelope scheme.
 */
export interface SupplierQualificationsTable {
  id: string;
  supplier_id: string;
  type: QualificationType;
  wrapped_dek: string;
  holder_name_enc: string;
  holder_name_masked: string;
  id_number_enc: string;
  id_number_masked: string;
  note: string | null;
  expires_at: Millis;
  status: QualificationStatus;
  reason: string | null;
  document_enc: string | null;
  document_type: string | null;
  document_bytes: number | null;
  document_name: string | null;
  reviewed_by: string | null;
  reviewed_at: Millis | null;
  created_at: Millis;
  updated_at: Millis;
}

/** A category whose goods (and those of the categories under it) need an approved qualification of a type. */
export interface CategoryQualificationRequirementsTable {
  category_id: string;
  qualification_type: QualificationType;
  updated_by: string | null;
  updated_at: Millis;
}

/** A class of forbidden goods (盗版软件, 游戏外挂 …): its name and the words that give a listing away. */
export interface BannedGoodsClassesTable {
  name: string;
  /** JSON array of words */
  keywords: string;
  updated_at: Millis;
}

export interface ComplianceTables {
  supplier_qualifications: SupplierQualificationsTable;
  category_qualification_requirements: CategoryQualificationRequirementsTable;
  banned_goods_classes: BannedGoodsClassesTable;
}

declare module '../../platform/db/schema.ts' {
  interface DB extends ComplianceTables {}
}
