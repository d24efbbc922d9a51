import { Kafka, logLevel } from 'kafkajs';

export interface PartitionLeader {
  partition: number;
  /** -1 when it has none. */
  leader: number;
  isr: number[];
}

/** The cluster as the brokers' metadata shows it. */
export interface KafkaClusterView {
  /** Node ids of the registered (live, unfenced) brokers. */
  registered: number[];
  /** Each partition of one topic; empty when the topic does not exist. */
  partitions: PartitionLeader[];
}

/** Empty when no broker answers. */
export async function kafkaClusterView(brokers: string[], topic: string): Promise<KafkaClusterView> {
  const kafka = new Kafka({ clientId: 'sonar-stack-status', brokers, connectionTimeout: 1000, requestTimeout: 3000, retry: { retries: 0 }, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => ({ topics: [] }));
    return {
      registered: cluster.brokers.map((broker) => broker.nodeId).sort((a, b) => a - b),
      partitions: (metadata.topics[0]?.partitions ?? [])
        .map((p) => ({ partition: p.partitionId, leader: p.leader, isr: p.isr }))
        .sort((a, b) => a.partition - b.partition),
    };
  } catch {
    return { registered: [], partitions: [] };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
