export { createKafka, type KafkaConnection } from './client.ts';
export { ensureTopics, type TopicSpec } from './topics.ts';
export { BatchingProducer, type BatchingOptions } from './batching-producer.ts';
export { BatchSource, type BatchSourceOptions, type ConsumedBatch } from './consumer-batches.ts';
export { deadLetter, publishDeadLetters, type Rejected, type Source } from './dead-letters.ts';
export { decodeRecords, type DecodedRecord, type DecodedRecords, type RejectedRecord } from './decode-records.ts';
export { ConsumerLag } from './consumer-lag.ts';
export { contractTopics } from './contract-topics.ts';
export { createProducer } from './producer.ts';
