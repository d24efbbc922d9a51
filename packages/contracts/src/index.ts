export { DEFAULT_TOPICS, topicsFrom, topicsEnv, consumerGroups, type Topics } from './topics.ts';
export { DECODE_REASON_CODES, REJECT_REASONS, REJECT_REASON_CODES, type RejectReason } from './reasons.ts';
export {
  FEATURE_COUNT,
  THETA_LENGTH,
  labelValue,
  labelOf,
  DEFAULT_MAX_READING_BYTES,
  MAX_ID_LENGTH,
  isLabel,
  validId,
  reject,
  type Decoded,
  type DecodedHeader,
  type Label,
  type Reading,
  type ReadingHeader,
  type Rejection,
} from './reading.ts';
export { decodeReading, decodeReadingInto, decodeReadingText, decodeTextValue } from './decode-reading.ts';
export { decodeCsvReading } from './decode-csv.ts';
export { readingFromJson, jsonParseFailure } from './decode-json.ts';
export { decodeReadingAvro, decodeReadingAvroInto } from './avro/decode-reading-avro.ts';
export { encodeReadingAvro } from './avro/encode-reading-avro.ts';
export { READING_AVRO_CANONICAL_FORM, READING_AVRO_FINGERPRINT } from './avro/reading-schema.ts';
export { parsingCanonicalForm } from './avro/canonical-form.ts';
export { crc64Avro, schemaFingerprint } from './avro/fingerprint.ts';
export { encodeReading, encodeReadingJson, encodeReadingCsv, encodingRefusal, type ReadingFormat } from './encode-reading.ts';
export { classOf, encodeClassified, encodeClassifiedAs, decodeClassified, type ClassifiedEvent, type EventFormat } from './classified.ts';
export { CLASSIFIED_AVRO_CANONICAL_FORM, decodeClassifiedAvro, encodeClassifiedAvro, isClassifiedAvro } from './avro/classified-avro.ts';
export {
  DEAD_LETTER_HEADERS,
  DEFAULT_DEAD_LETTER_LIMITS,
  deadLetterHeaders,
  deadLetterMessage,
  type DeadLetterCause,
  type DeadLetterLimits,
  type DeadLetterMessage,
  type DeadLetterSource,
} from './dead-letter.ts';
export { decodeRecords, type DecodedRecord, type DecodedRecords, type RecordLike, type RejectedRecord } from './decode-records.ts';
export { contractTopics, gradientTopic, type TopicSpec } from './contract-topics.ts';
export { decodeGradient, encodeGradient, GRADIENT_AVRO_CANONICAL_FORM, type GradientRecord } from './gradient.ts';
export { encodeModelUpdate, type ModelUpdateEvent } from './model-event.ts';
export { clusterSlotProblem, modelKeys, modelKeysShareSlot, type ModelKeys } from './redis-keys.ts';
export { METRICS } from './metric-names.ts';
export { DEFAULT_PORTS, DEFAULT_KAFKA_BROKERS, DEFAULT_REDIS_URL } from './endpoints.ts';
