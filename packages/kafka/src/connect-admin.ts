import type { Admin } from 'kafkajs';
import type { KafkaConnection } from './client.ts';
import { checkBrokerTls } from './tls-check.ts';
import { ensureTopics, type TopicSpec } from './topics.ts';

/** How every service starts on Kafka: the broker's certificate checked, its admin connected, the deployment's topics in place. */
export async function connectAdmin(admin: Admin, connection: KafkaConnection, topics: TopicSpec[]): Promise<void> {
  await checkBrokerTls(connection);
  await admin.connect();
  await ensureTopics(admin, topics);
}
