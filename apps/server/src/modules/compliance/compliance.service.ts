/**
 * The compliance module's public face: supplier qualifications (资质审核), what categories require, banned goods,
 * and the traceability export of an order.
 */
export {
  checkListing,
  getBannedGoods,
  listCategoryRequirements,
  setBannedGoods,
  setCategoryRequirement,
} from './compliance.rules.ts';
export { expireQualifications } from './compliance.expiry.ts';
export { orderTrace, traceCsv } from './compliance.trace.ts';
export {
  createQualification,
  DOCUMENT_CONTENT_TYPES,
  decideQualification,
  listQualificationsForReview,
  MAX_DOCUMENT_BYTES,
  myQualifications,
  readQualificationDocument,
  revealQualification,
  uploadQualificationDocument,
} from './qualifications.ts';
