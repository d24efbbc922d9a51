import { Gauge, type Registry } from 'prom-client';
import { METRICS } from '@sonar/contracts';

/** Per-partition lag of a consumer, as the Kafka adapter computes it. */
export interface LagSource {
  current(): Promise<ReadonlyMap<number, number>>;
  /** Seconds since the log end offsets were read (Infinity before the first). */
  ageSeconds(): number;
}

/**
 * sonar_consumer_lag{group,partition} from what the source knows now (it never waits for
 * the broker), and sonar_consumer_lag_age_seconds{group}: how old that knowledge is.
 */
export function consumerLagGauge(registry: Registry, group: string, lag: LagSource): Gauge<'group' | 'partition'> {
  new Gauge({
    name: METRICS.consumerLagAge,
    help: 'Seconds since the log end offsets behind sonar_consumer_lag were read from the broker.',
    labelNames: ['group'],
    registers: [registry],
    collect() {
      const age = lag.ageSeconds();
      if (Number.isFinite(age)) this.set({ group }, age);
    },
  });
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
