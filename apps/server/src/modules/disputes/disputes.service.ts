/**
 * The disputes module's public face: after-sales cases (buyer → supplier → platform arbitration), from the
 * files that hold one concern each. Routes, jobs and any later module use these.
 */
export { acceptAnswer, answerDispute, escalateDispute } from './disputes.answers.ts';
export { runDisputeDeadlines } from './disputes.deadlines.ts';
export { closeCaseOfRefundedOrder } from './disputes.remedies.ts';
export { disputeDossier } from './disputes.dossier.ts';
export { MAX_EVIDENCE_BYTES, readEvidence, uploadEvidence } from './disputes.evidence.ts';
export { openDispute } from './disputes.open.ts';
export { ruleDispute } from './disputes.ruling.ts';
export {
  listStandings,
  liftStanding,
  settlementHeldFor,
  suspendedFromSale,
  userScores,
} from './disputes.standings.ts';
export {
  getDispute,
  listAllDisputes,
  listMyDisputes,
  listSupplierDisputes,
  postDisputeMessage,
} from './disputes.views.ts';
export { decideKeyReturn, listKeyReturns, returnUnrevealedKeys } from './disputes.returns.ts';
export { disputeRates } from './disputes.rates.ts';
