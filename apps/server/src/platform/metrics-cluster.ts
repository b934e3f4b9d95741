import cluster from 'node:cluster';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue, type Registry } from 'prom-client';

/**
 * With `--processes N` the API children share one port, so a scrape reaches one of them. For the figures each
 * process counts itself (HTTP, pool), the child that answers asks the primary, which asks every child for its
 * figures over the cluster's IPC channel and sums them (prom-client's AggregatorRegistry), the way
 * prom-client's cluster example does. Figures counted from the database need none of this.
 */
type Message =
  | { kameng: 'metrics:ask'; id: number }
  | { kameng: 'metrics:collect'; id: number }
  | { kameng: 'metrics:part'; id: number; metrics: MetricObjectWithValues<MetricValue<string>>[] }
  | { kameng: 'metrics:sum'; id: number; text: string };

const isMessage = (m: unknown): m is Message =>
  typeof m === 'object' && m !== null && typeof (m as { kameng?: unknown }).kameng === 'string';

/** How long the primary waits for the children's figures; a child that does not answer is left out. */
const COLLECT_MS = 2_000;

/** In the primary of `--processes N`: answers a child's question with every child's figures summed. */
export function aggregateClusterMetrics(): void {
  let next = 0;
  cluster.on('message', (asker, msg: unknown) => {
    if (!isMessage(msg) || msg.kameng !== 'metrics:ask') return;
    const id = ++next;
    const children = Object.values(cluster.workers ?? {}).filter((w) => w?.isConnected());
    const parts: MetricObjectWithValues<MetricValue<string>>[][] = [];
    let left = children.length;
    const done = () => {
      cluster.removeListener('message', onPart);
      clearTimeout(timer);
      const text = AggregatorRegistry.aggregate(parts).metrics();
      void text.then((t) => {
        if (asker.isConnected()) asker.send({ kameng: 'metrics:sum', id: msg.id, text: t } satisfies Message);
      });
    };
    const onPart = (_child: unknown, m: unknown) => {
      if (!isMessage(m) || m.kameng !== 'metrics:part' || m.id !== id) return;
      parts.push(m.metrics);
      if (--left === 0) done();
    };
    const timer = setTimeout(done, COLLECT_MS);
    cluster.on('message', onPart);
    for (const c of children) c?.send({ kameng: 'metrics:collect', id } satisfies Message);
  });
}

/**
 * In a cluster child: answers the primary's requests with `registry`'s figures, and returns how to ask for
 * the whole cluster's (null outside a cluster: the process's own figures are all there are).
 */
export function clusterMetrics(registry: Registry): (() => Promise<string>) | null {
  if (!cluster.isWorker || !process.send) return null;
  process.on('message', (msg: unknown) => {
    if (!isMessage(msg) || msg.kameng !== 'metrics:collect') return;
    void registry.getMetricsAsJSON().then((metrics) => {
      process.send?.({ kameng: 'metrics:part', id: msg.id, metrics } satisfies Message);
    });
  });
  let next = 0;
  return () =>
    new Promise((resolve) => {
      const id = ++next;
      const onSum = (msg: unknown) => {
        if (!isMessage(msg) || msg.kameng !== 'metrics:sum' || msg.id !== id) return;
        process.removeListener('message', onSum);
        clearTimeout(timer);
        resolve(msg.text);
      };
      // the primary is gone or busy: this process's own figures, rather than none
      const timer = setTimeout(() => {
        process.removeListener('message', onSum);
        void registry.metrics().then(resolve);
      }, COLLECT_MS * 2);
      process.on('message', onSum);
      process.send?.({ kameng: 'metrics:ask', id } satisfies Message);
    });
}
