/**
 * kafkajs' own source modules, which the lean decoders build on and the installer
 * replaces one of: internals of the pinned version, reached from this package.
 */
import { createRequire } from 'node:module';

/** The version whose internals this folder is written against. */
export const KAFKAJS_VERSION = '2.2.4';

export const requireKafkajs = createRequire(import.meta.url);

/** A module of kafkajs' own source, by its path under `kafkajs/src/`. */
export const kafkajsPart = <T>(path: string): T => requireKafkajs(`kafkajs/src/${path}`) as T;
