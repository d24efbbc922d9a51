/**
 * Puts the lean record-batch decoder in the place of kafkajs' own, for every kafkajs
 * client of this process. kafkajs loads its fetch-response decoders on the first fetch,
 * and they take the record-batch decoder from Node's module cache, so it must be placed
 * there before any consumer of the process has fetched; once kafkajs has loaded its own,
 * that one is kept, and this says so. It is written against kafkajs 2.2.4's internals:
 * any other version keeps its own decoder.
 */
import Module from 'node:module';
import { KAFKAJS_VERSION, requireKafkajs } from './kafkajs-source.ts';
import { decodeRecordBatch } from './record-batch-decoder.ts';

export { recordsDecoded as leanRecordsDecoded } from './record-batch-decoder.ts';

const RECORD_BATCH_DECODER = requireKafkajs.resolve('kafkajs/src/protocol/recordBatch/v0/decoder.js');
/** The fetch decoder that takes the record-batch decoder from the cache when it loads. */
const FETCH_DECODER = requireKafkajs.resolve('kafkajs/src/protocol/requests/fetch/v4/decodeMessages.js');
/** Marks the cache entry as this decoder's, whichever copy of this module placed it. */
const LEAN = Symbol.for('sonar.leanRecordBatchDecoder');

export type LeanRecordsState = 'installed' | 'kafkajs-decoder-already-loaded' | 'other-kafkajs-version';

export function installLeanRecordDecoder(): LeanRecordsState {
  const { version } = requireKafkajs('kafkajs/package.json') as { version: string };
  if (version !== KAFKAJS_VERSION) return 'other-kafkajs-version';
  const cached = requireKafkajs.cache[RECORD_BATCH_DECODER] as (NodeJS.Module & { [LEAN]?: true }) | undefined;
  if (cached) return cached[LEAN] ? 'installed' : 'kafkajs-decoder-already-loaded';
  if (requireKafkajs.cache[FETCH_DECODER]) return 'kafkajs-decoder-already-loaded';
  const module = Object.assign(new Module(RECORD_BATCH_DECODER), { [LEAN]: true as const });
  module.filename = RECORD_BATCH_DECODER;
  module.loaded = true;
  module.exports = decodeRecordBatch;
  requireKafkajs.cache[RECORD_BATCH_DECODER] = module;
  return 'installed';
}
