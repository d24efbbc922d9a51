/**
 * Puts the lean record decoder in the place of kafkajs' own, for every kafkajs client of
 * this process. kafkajs loads its fetch-response decoders on the first fetch, and they
 * take the record decoder from Node's module cache, so it must be placed before any
 * consumer of the process has fetched; once kafkajs has loaded its own, it is kept, and
 * this says so.
 */
import Module, { createRequire } from 'node:module';
import { decodeRecord } from './record-decoder.ts';

export { recordsDecoded as leanRecordsDecoded } from './record-decoder.ts';

const requireKafkajs = createRequire(import.meta.url);
const RECORD_DECODER = requireKafkajs.resolve('kafkajs/src/protocol/recordBatch/record/v0/decoder.js');

export type LeanRecordsState = 'installed' | 'kafkajs-decoder-already-loaded';

export function installLeanRecordDecoder(): LeanRecordsState {
  const cached = requireKafkajs.cache[RECORD_DECODER];
  if (cached) return cached.exports === decodeRecord ? 'installed' : 'kafkajs-decoder-already-loaded';
  const module = new Module(RECORD_DECODER);
  module.filename = RECORD_DECODER;
  module.loaded = true;
  module.exports = decodeRecord;
  requireKafkajs.cache[RECORD_DECODER] = module;
  return 'installed';
}
