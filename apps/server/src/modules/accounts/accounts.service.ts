/**
 * The accounts module's public face: what its routes and the other modules call. Each concern lives in
 * its own file (registration and codes, sessions, passwords, two-factor, supplier applications, users,
 * the bootstrap admin); import from here, not from them.
 */
export type { RequestMeta } from '../../platform/http/route-helpers.ts';
export { ensureBootstrapAdmin } from './bootstrap-admin.ts';
export { addSignInCredentials } from './credentials.ts';
export { activeOauthClient, listOauthAppViews, updateOauthApp } from './oauth-apps.ts';
export {
  availableProviders,
  completeOauthTotp,
  myIdentities,
  oauthCallback,
  sandboxAuthorize,
  startOauth,
  unbindIdentity,
} from './oauth-signin.ts';
export { changePassword, resetPassword } from './passwords.ts';
export { closeMyAccount, exportMyData } from './personal-data.ts';
export {
  type Contact,
  contactsOf,
  findShop,
  sessionUser,
  shopNamesOf,
  suppliersByShopName,
  userIdByEmailOrPhone,
  usersByContact,
} from './people.ts';
export { register, verifyContact } from './registration.ts';
export {
  authenticate,
  login,
  logout,
  me,
  mySessions,
  reauthenticate,
  requireRecentAuth,
  revokeMySession,
} from './sessions.ts';
export {
  applyForSupplier,
  decideSupplierApplication,
  listApplicationsForReview,
  myApplications,
  revealApplication,
} from './supplier-applications.ts';
export { requireStepUp, sendStepUpCode } from './step-up.ts';
export { confirmTotp, disableTotp, enrollTotp } from './two-factor.ts';
export {
  emailOf,
  getUser,
  revealUserContact,
  searchUsers,
  setRoles,
  setUserStatus,
  signupsPerDay,
} from './users.ts';
export { consumeCode, sendCode, sendOrderLookupCode } from './verification-codes.ts';
