import type { Kafka } from 'kafkajs';

/** What a misbehaving client might send straight to Kafka, bypassing ingest's checks. */
export const MALFORMED_RECORDS = [
  '{"features": [0.1, 0.2, 0.3], "label": "R"}',
  'this is not a sonar reading',
  `${Array(59).fill('0.5').join(',')},M`,
  JSON.stringify({ features: Array(60).fill(0.5), label: 'X' }),
  `NaN,${Array(59).fill('0.5').join(',')},R`,
];

export async function sendMalformed(kafka: Kafka, topic: string): Promise<number> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: MALFORMED_RECORDS.map((value, i) => ({ key: `malformed-${i}`, value })) });
  } finally {
    await producer.disconnect();
  }
  return MALFORMED_RECORDS.length;
}
