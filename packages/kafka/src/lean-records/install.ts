/**
 * Puts the lean record-batch decoder in the place of kafkajs' own, for every kafkajs
 * client of this process. kafkajs loads its fetch-response decoders on the first fetch,
 * and they take the record-batch decoder from Node's module cache, so it must be placed
 * there before any consumer of the process has fetched; once kafkajs has loaded its own,
 * that one is kept, and this says so.
 */
import Module, { createRequire } from 'node:module';
import { decodeRecordBatch } from './record-batch-decoder.ts';

export { recordsDecoded as leanRecordsDecoded } from './record-decoder.ts';

const requireKafkajs = createRequire(import.meta.url);
const RECORD_BATCH_DECODER = requireKafkajs.resolve('kafkajs/src/protocol/recordBatch/v0/decoder.js');

export type LeanRecordsState = 'installed' | 'kafkajs-decoder-already-loaded';

export function installLeanRecordDecoder(): LeanRecordsState {
  const cached = requireKafkajs.cache[RECORD_BATCH_DECODER];
  if (cached) return cached.exports === decodeRecordBatch ? 'installed' : 'kafkajs-decoder-already-loaded';
  const module = new Module(RECORD_BATCH_DECODER);
  module.filename = RECORD_BATCH_DECODER;
  module.loaded = true;
  module.exports = decodeRecordBatch;
  requireKafkajs.cache[RECORD_BATCH_DECODER] = module;
  return 'installed';
}
