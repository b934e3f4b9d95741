import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AgentLink, type BuyerTerms, decidePrice, platformPrice, unitPriceCents } from './pricing.ts';

const fen = fc.integer({ min: 0, max: 10_000_000 });
const product = fc.record({
  priceCents: fc.integer({ min: 1, max: 10_000_000 }),
  priceTiers: fc.array(fc.record({ minQuantity: fc.integer({ min: 2, max: 500 }), priceCents: fen }), {
    maxLength: 4,
  }),
});
const terms: fc.Arbitrary<BuyerTerms> = fc.record(
  {
    levelPriceCents: fc.option(fen, { nil: null }),
    levelDiscountBps: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: null }),
    userPriceCents: fc.option(fen, { nil: null }),
  },
  { requiredKeys: [] },
);
const link: fc.Arbitrary<AgentLink> = fc.record(
  {
    agentId: fc.stringMatching(/^agt_[a-z0-9]{4}$/),
    markupBps: fc.integer({ min: 0, max: 100_000 }),
    markupCents: fc.integer({ min: 0, max: 100_000 }),
  },
  { requiredKeys: ['agentId'] },
);
const input = fc.record({
  product,
  quantity: fc.integer({ min: 1, max: 1000 }),
  terms: fc.option(terms, { nil: undefined }),
  chain: fc.array(link, { maxLength: 5 }),
  agentUserPriceCents: fc.option(fen, { nil: null }),
});

describe('decidePrice — properties', () => {
  it('integer fen, never negative, margins add up to the difference, each agent sells at or above his cost', () => {
    fc.assert(
      fc.property(input, (i) => {
        const d = decidePrice(i);
        expect(Number.isSafeInteger(d.unitPriceCents)).toBe(true);
        expect(d.unitPriceCents).toBeGreaterThanOrEqual(0);
        expect(d.platformUnitCents).toBeGreaterThanOrEqual(0);
        expect(d.agentShares).toHaveLength(i.chain.length);
        const margins = d.agentShares.reduce((s, a) => s + a.marginCents, 0);
        expect(d.platformUnitCents + margins).toBe(d.unitPriceCents);
        let cost = d.platformUnitCents;
        for (const a of d.agentShares) {
          expect(a.costCents).toBe(cost);
          expect(Number.isSafeInteger(a.marginCents)).toBe(true);
          expect(a.priceCents).toBeGreaterThanOrEqual(a.costCents);
          cost = a.priceCents;
        }
      }),
    );
  });

  it('the platform price is never above the list/tier price and is the lowest candidate', () => {
    fc.assert(
      fc.property(product, fc.integer({ min: 1, max: 1000 }), terms, (p, q, t) => {
        const list = unitPriceCents(p, q);
        const { priceCents } = platformPrice(p, q, t);
        expect(priceCents).toBeLessThanOrEqual(list);
        if (t.levelPriceCents != null) expect(priceCents).toBeLessThanOrEqual(t.levelPriceCents);
        if (t.userPriceCents != null) expect(priceCents).toBeLessThanOrEqual(t.userPriceCents);
      }),
    );
  });

  it('off a 分站 the buyer pays the platform price and nobody else earns', () => {
    fc.assert(
      fc.property(product, fc.integer({ min: 1, max: 1000 }), terms, (p, q, t) => {
        const d = decidePrice({ product: p, quantity: q, terms: t });
        expect(d.unitPriceCents).toBe(d.platformUnitCents);
        expect(d.rule).toBe(d.platformRule);
        expect(d.agentShares).toEqual([]);
      }),
    );
  });

  it('a granted price on a 分站 never takes the site agent below what he pays', () => {
    fc.assert(
      fc.property(input, (i) => {
        fc.pre(i.chain.length > 0 && i.agentUserPriceCents !== null);
        const d = decidePrice(i);
        const site = d.agentShares.at(-1)!;
        expect(d.rule).toBe('agent_user_price');
        expect(site.priceCents).toBe(Math.max(site.costCents, i.agentUserPriceCents!));
      }),
    );
  });
});

describe('decidePrice — rules and their order', () => {
  const p = { priceCents: 10_000, priceTiers: [{ minQuantity: 10, priceCents: 9_000 }] };

  it('base, then tier by quantity', () => {
    expect(decidePrice({ product: p, quantity: 1 })).toMatchObject({ unitPriceCents: 10_000, rule: 'base' });
    expect(decidePrice({ product: p, quantity: 10 })).toMatchObject({ unitPriceCents: 9_000, rule: 'tier' });
  });

  it('the lowest of level price, level discount and granted price wins, ties keep the earlier rule', () => {
    const d = (t: BuyerTerms, q = 1) => decidePrice({ product: p, quantity: q, terms: t });
    expect(d({ levelPriceCents: 9_500 })).toMatchObject({ unitPriceCents: 9_500, rule: 'level_price' });
    expect(d({ levelPriceCents: 9_500 }, 10)).toMatchObject({ unitPriceCents: 9_000, rule: 'tier' });
    expect(d({ levelDiscountBps: 1_000 }, 10)).toMatchObject({ unitPriceCents: 8_100, rule: 'level_discount' });
    expect(d({ levelPriceCents: 9_000, levelDiscountBps: 1_000 })).toMatchObject({
      unitPriceCents: 9_000,
      rule: 'level_price',
    });
    expect(d({ levelPriceCents: 9_500, userPriceCents: 8_000, levelDiscountBps: 500 })).toMatchObject({
      unitPriceCents: 8_000,
      rule: 'user_price',
    });
    expect(d({ levelDiscountBps: 333 })).toMatchObject({ unitPriceCents: 9_667 }); // 333.0 fen off, half-up
  });

  it('a 3-level chain: each agent earns his markup on what he pays', () => {
    const d = decidePrice({
      product: p,
      quantity: 1,
      terms: { levelPriceCents: 9_000 },
      chain: [
        { agentId: 'a1', markupBps: 1_000 },
        { agentId: 'a2', markupCents: 500 },
        { agentId: 'a3', markupBps: 500, markupCents: 1 },
      ],
    });
    expect(d.platformUnitCents).toBe(9_000);
    expect(d.platformRule).toBe('level_price');
    expect(d.agentShares).toEqual([
      { agentId: 'a1', costCents: 9_000, priceCents: 9_900, marginCents: 900 },
      { agentId: 'a2', costCents: 9_900, priceCents: 10_400, marginCents: 500 },
      { agentId: 'a3', costCents: 10_400, priceCents: 10_921, marginCents: 521 },
    ]);
    expect(d).toMatchObject({ unitPriceCents: 10_921, rule: 'agent_markup' });
  });

  it('a granted price replaces only the site agent markup and is clamped to his cost', () => {
    const chain = [
      { agentId: 'a1', markupCents: 1_000 },
      { agentId: 'a2', markupCents: 1_000 },
    ];
    const above = decidePrice({ product: p, quantity: 1, chain, agentUserPriceCents: 11_500 });
    expect(above).toMatchObject({ unitPriceCents: 11_500, rule: 'agent_user_price' });
    expect(above.agentShares.map((a) => a.marginCents)).toEqual([1_000, 500]);
    const below = decidePrice({ product: p, quantity: 1, chain, agentUserPriceCents: 100 });
    expect(below.unitPriceCents).toBe(11_000);
    expect(below.agentShares.at(-1)!.marginCents).toBe(0);
  });

  it('refuses what is not integer fen', () => {
    expect(() => decidePrice({ product: { priceCents: 1.5, priceTiers: [] }, quantity: 1 })).toThrow(RangeError);
    expect(() => decidePrice({ product: p, quantity: 0 })).toThrow(RangeError);
    expect(() => decidePrice({ product: p, quantity: 1, terms: { userPriceCents: -1 } })).toThrow(RangeError);
    expect(() => decidePrice({ product: p, quantity: 1, chain: [{ agentId: 'a', markupBps: -5 }] })).toThrow(
      RangeError,
    );
  });
});
