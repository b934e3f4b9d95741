/**
 * agent-site: the purchase scenario on an agent's 分站 next to the same purchase on the main site, in the
 * same run and against the same products and buyers, so the two differ only by what a 分站 adds (the Host
 * resolved to a site, the chain of agents priced, the agent's share held and recorded). Issue #17 wants the
 * 分站 purchase within 15% of the main site's.
 */
import { runLoad } from './lib/children.ts';
import { register } from './lib/seed.ts';
import { type Bench, buyerPool, purchaseProducts, repeat, type ScenarioResult, shopOf } from './scenarios.ts';

const SUBDOMAIN = 'bench1';

/** An approved agent whose 分站 sells every product at 10% over the platform's price. */
async function openAgentSite(b: Bench): Promise<{ host: string; token: string }> {
  const shop = await shopOf(b);
  const agent = await register(b.api, 'agent');
  const applied = await b.api.call('POST', '/api/v1/agent/applications', {
    token: agent.token,
    body: { siteName: '压测分站', subdomain: SUBDOMAIN },
    expect: [201],
  });
  await b.api.call('POST', `/api/v1/admin/agent-applications/${applied.body.id}/approve`, {
    token: shop.admin,
    expect: [200],
  });
  await b.api.call('PUT', '/api/v1/agent/site/markups', {
    token: agent.token,
    body: { items: [{ categoryId: shop.categoryId, markupBps: 1000 }] },
    expect: [200],
  });
  const settings = await b.api.call('GET', '/api/v1/admin/agent-settings', { token: shop.admin, expect: [200] });
  return { host: `${SUBDOMAIN}.${settings.body.siteDomain}`, token: agent.token };
}

export async function agentSite(b: Bench): Promise<ScenarioResult> {
  const productIds = await purchaseProducts(b);
  const tokens = (await buyerPool(b, b.sizes.purchaseBuyers)).map((a) => a.token);
  const { host, token: agentToken } = await openAgentSite(b);
  const load = (onHost?: string) =>
    runLoad(
      {
        kind: 'purchase',
        url: b.server.url,
        connections: b.sizes.purchaseConnections,
        durationS: b.sizes.durationS,
        tokens,
        productIds,
        pollMs: 10,
        ...(onHost ? { host: onHost } : {}),
      },
      b.target.dir,
    );
  const runs = await repeat(b, 'agent-site', async (run) => {
    // alternate which goes first, so neither always meets the other's leftover work
    const mainFirst = run % 2 === 0;
    const first = await load(mainFirst ? undefined : host);
    const second = await load(mainFirst ? host : undefined);
    const [main, site] = mainFirst ? [first, second] : [second, first];
    const perS = (r: typeof main) => (r.completed ?? 0) / r.durationS;
    return {
      throughput: perS(site),
      ...site.latency,
      errors: site.errors + (site.undelivered ?? 0),
      peakRssMb: 0,
      extra: {
        mainPerS: perS(main),
        mainP99: main.latency.p99,
        mainErrors: main.errors + (main.undelivered ?? 0),
        sitePctOfMain: perS(main) > 0 ? (100 * perS(site)) / perS(main) : Number.NaN,
      },
    };
  });
  // the 分站's sales really were his: his margins are held (or settled) in the ledger
  const balance = await b.api.call('GET', '/api/v1/agent/balance', { token: agentToken, expect: [200] });
  const earned = balance.body.heldCents + balance.body.availableCents;
  const sold = runs.reduce((n, r) => n + r.throughput * b.sizes.durationS, 0);
  const failures = sold > 0 && earned <= 0 ? ['the 分站 sold but its agent earned nothing: the Host was not his'] : [];
  return {
    name: 'agent-site',
    unit: 'purchases/s',
    runs,
    failures,
    notes: [
      `${b.sizes.purchaseConnections} connections; the purchase loop with Host ${host} (a 分站 at 10% markup), then (or before) the same loop on the main site in the same run; extra.sitePctOfMain compares them`,
    ],
  };
}
