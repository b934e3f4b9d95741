/**
 * Prices, decided in one place. The server prices orders, carts and product pages with these functions
 * and the pages show the same numbers before an order is placed. No zod here, so the web can import it
 * (`@kameng/contracts/pricing`) without the schemas. Everything is integer fen; nothing here reads a
 * price from a client.
 */

export interface PriceTierLike {
  minQuantity: number;
  priceCents: number;
}

/** The unit price for a quantity: the tier with the highest minQuantity not above it, else the base price. */
export function unitPriceCents(
  p: { priceCents: number; priceTiers: readonly PriceTierLike[] },
  quantity: number,
): number {
  let price = p.priceCents;
  let best = 0;
  for (const t of p.priceTiers) {
    if (t.minQuantity <= quantity && t.minQuantity > best) {
      best = t.minQuantity;
      price = t.priceCents;
    }
  }
  return price;
}

/**
 * Which rule gave a price, recorded on the order item.
 * - `base` / `tier`: the product's list price, or its quantity tier
 * - `level_price`: the price the supplier set for the buyer's member level
 * - `level_discount`: the operator's discount for the buyer's level (product, else category, else all)
 * - `user_price`: a price the supplier granted this buyer (密价)
 * - `agent_markup`: on an agent's 分站, the chain's cost plus the markups of each agent down to the site's
 * - `agent_user_price`: on a 分站, a price the site's agent granted this buyer (never below what he pays)
 */
export type PriceRule =
  | 'base'
  | 'tier'
  | 'level_price'
  | 'level_discount'
  | 'user_price'
  | 'agent_markup'
  | 'agent_user_price';

export const PRICE_RULES: readonly PriceRule[] = [
  'base',
  'tier',
  'level_price',
  'level_discount',
  'user_price',
  'agent_markup',
  'agent_user_price',
];

/** One agent between the platform and a 分站: his markup on what he pays (percent in bps, or fixed fen). */
export interface AgentLink {
  agentId: string;
  /** bps of what this agent pays, rounded half-up to the fen; 0..100000 (up to +1000%) */
  markupBps?: number | undefined;
  /** fen added per unit; ≥ 0 */
  markupCents?: number | undefined;
}

/** What the buyer is, on the platform's own price list, for one product. */
export interface BuyerTerms {
  /** the supplier's price for this buyer's member level, if he set one */
  levelPriceCents?: number | null | undefined;
  /** the operator's discount for this buyer's level on this product (0..10000 bps) */
  levelDiscountBps?: number | null | undefined;
  /** a price the supplier granted this buyer (密价) */
  userPriceCents?: number | null | undefined;
}

export interface PriceInput {
  product: { priceCents: number; priceTiers: readonly PriceTierLike[] };
  quantity: number;
  /**
   * On the platform's own site: the buyer's terms. On a 分站: the terms of the TOP agent of the chain (the one
   * directly under the platform) — what he pays is the platform's price for him; the buyer's own platform
   * terms do not apply there (the site's agent prices his customers).
   */
  terms?: BuyerTerms | undefined;
  /** On a 分站: the agents from the top (under the platform) down to the site's own agent; empty otherwise. */
  chain?: readonly AgentLink[] | undefined;
  /** On a 分站: a price the site's agent granted this buyer (密价); clamped to at least what that agent pays. */
  agentUserPriceCents?: number | null | undefined;
}

export interface AgentShare {
  agentId: string;
  /** what this agent pays per unit (his parent's price to him, or the platform's for the top agent) */
  costCents: number;
  /** what he sells at per unit (to his sub-agent, or to the buyer for the site's own agent) */
  priceCents: number;
  /** priceCents − costCents, ≥ 0 */
  marginCents: number;
}

export interface PriceDecision {
  /** what the buyer pays per unit */
  unitPriceCents: number;
  rule: PriceRule;
  /** what the supplier's sale is worth per unit (the commission is taken from it); = unitPriceCents off a 分站 */
  platformUnitCents: number;
  /** the rule that gave platformUnitCents (≠ rule on a 分站) */
  platformRule: PriceRule;
  /** one per chain link, top first; their margins add up to unitPriceCents − platformUnitCents */
  agentShares: AgentShare[];
}

export const MAX_MARKUP_BPS = 100_000;

/** amount × bps / 10000, rounded half-up to the fen, exactly (bigint). */
export function bpsOf(amountCents: number, bps: number): number {
  return Number((BigInt(amountCents) * BigInt(bps) + 5_000n) / 10_000n);
}

function checkFen(name: string, v: number | null | undefined): void {
  if (v === null || v === undefined) return;
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer fen: ${v}`);
}

function checkBps(name: string, v: number | null | undefined, max: number): void {
  if (v === null || v === undefined) return;
  if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`${name} must be 0..${max} bps: ${v}`);
}

/**
 * The platform's price of a product for one set of terms: the lowest of the list/tier price, the level
 * price, the level discount on the list/tier price and the granted price (ties keep the earlier rule).
 */
export function platformPrice(
  product: PriceInput['product'],
  quantity: number,
  terms: BuyerTerms | undefined,
): { priceCents: number; rule: PriceRule } {
  const list = unitPriceCents(product, quantity);
  let best: { priceCents: number; rule: PriceRule } = {
    priceCents: list,
    rule: list === product.priceCents ? 'base' : 'tier',
  };
  if (!terms) return best;
  checkFen('levelPriceCents', terms.levelPriceCents);
  checkBps('levelDiscountBps', terms.levelDiscountBps, 10_000);
  checkFen('userPriceCents', terms.userPriceCents);
  const candidates: Array<[number | null | undefined, PriceRule]> = [
    [terms.levelPriceCents, 'level_price'],
    [terms.levelDiscountBps ? list - bpsOf(list, terms.levelDiscountBps) : null, 'level_discount'],
    [terms.userPriceCents, 'user_price'],
  ];
  for (const [price, rule] of candidates) {
    if (price !== null && price !== undefined && price < best.priceCents) best = { priceCents: price, rule };
  }
  return best;
}

/**
 * The one price function: what a buyer pays per unit of a product, which rule decided it, and on a 分站 how
 * the difference to the platform's price splits between the agents of the chain. Each agent sells at what
 * he pays plus his markup, so no agent ever sells below his cost and every margin is ≥ 0; a granted price on
 * a 分站 replaces only the site agent's own markup and is clamped to what he pays.
 */
export function decidePrice(input: PriceInput): PriceDecision {
  const { product, quantity } = input;
  checkFen('priceCents', product.priceCents);
  for (const t of product.priceTiers) checkFen('tier priceCents', t.priceCents);
  if (!Number.isSafeInteger(quantity) || quantity < 1) throw new RangeError(`quantity ${quantity}`);
  const platform = platformPrice(product, quantity, input.terms);
  const chain = input.chain ?? [];
  const shares: AgentShare[] = [];
  let price = platform.priceCents;
  let rule: PriceRule = platform.rule;
  for (const [i, link] of chain.entries()) {
    checkBps('markupBps', link.markupBps, MAX_MARKUP_BPS);
    checkFen('markupCents', link.markupCents);
    const cost = price;
    let sell = cost + bpsOf(cost, link.markupBps ?? 0) + (link.markupCents ?? 0);
    rule = 'agent_markup';
    const last = i === chain.length - 1;
    if (last && input.agentUserPriceCents !== null && input.agentUserPriceCents !== undefined) {
      checkFen('agentUserPriceCents', input.agentUserPriceCents);
      sell = Math.max(cost, input.agentUserPriceCents);
      rule = 'agent_user_price';
    }
    if (!Number.isSafeInteger(sell)) throw new RangeError(`price of agent ${link.agentId} overflows`);
    shares.push({ agentId: link.agentId, costCents: cost, priceCents: sell, marginCents: sell - cost });
    price = sell;
  }
  return {
    unitPriceCents: price,
    rule,
    platformUnitCents: platform.priceCents,
    platformRule: platform.rule,
    agentShares: shares,
  };
}
