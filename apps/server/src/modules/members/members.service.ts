/**
 * The members module's public face: member levels (members.levels.ts), spend (members.spend.ts), bought
 * upgrades (members.upgrades.ts) and the prices levels and suppliers' grants give (members.prices.ts).
 */
export {
  adminUserLevel,
  createLevel,
  deleteLevel,
  levelsOfUsers,
  listLevels,
  setUserLevel,
  updateLevel,
  userLevel,
} from './members.levels.ts';
export {
  buyerTerms,
  deleteUserPrice,
  getLevelPrices,
  grantUserPrice,
  listUserPrices,
  setLevelPrices,
  supplierFeeDiscountBps,
} from './members.prices.ts';
export { recordSpend, type SpendChange } from './members.spend.ts';
export { bookUpgrade, buyLevel, refundUpgrade, UPGRADE_REVENUE } from './members.upgrades.ts';
