import { Gauge, type Registry } from 'prom-client';
import { METRICS } from '@sonar/contracts';

/** Per-partition lag of a consumer, as the Kafka adapter computes it. */
export interface LagSource {
  current(): Promise<ReadonlyMap<number, number>>;
}

/** sonar_consumer_lag{group,partition}, computed when Prometheus scrapes. */
export function consumerLagGauge(registry: Registry, group: string, lag: LagSource): Gauge<'group' | 'partition'> {
  return new Gauge({
    name: METRICS.consumerLag,
    help: 'Records in the topic not yet processed by this consumer group, per partition.',
    labelNames: ['group', 'partition'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [partition, value] of await lag.current()) this.set({ group, partition: String(partition) }, value);
    },
  });
}
