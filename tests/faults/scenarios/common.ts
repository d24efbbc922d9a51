import { expect } from 'vitest';
import type { CompressionTypes, Kafka, Message } from 'kafkajs';
import { chunkMessages, createProducer } from '@sonar/kafka';
import type { Checkpoint } from '@sonar/store';
import type { TestContext } from '../../support/context.ts';
import { DETERMINISTIC_TRAINING, freePort, metricValue, trained, type ServiceName, type ServiceProcess } from '@sonar/testkit';

/** Processes a scenario started, stopped by its cleanup. */
export class Processes {
  private readonly all: ServiceProcess[] = [];

  async start(ctx: TestContext, service: ServiceName, extra: Record<string, string | number | boolean> = {}, model = ctx.model, label: string = service) {
    const portVar = { ingest: 'INGEST_PORT', trainer: 'TRAINER_PORT', scorer: 'SCORER_PORT' }[service];
    const port = await freePort();
    const proc = ctx.service(service, ctx.env({ SONAR_MODEL: model, [portVar]: port, ...extra }), label);
    this.all.push(proc);
    return { proc, port, url: `http://127.0.0.1:${port}` };
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.all.splice(0).map((p) => p.stop()));
  }
}

/** As trained(), with the longer wait of runs of 100,000 readings and more; a timeout says what `trainer` answers, if given. */
export async function trainedAll(ctx: TestContext, samples: number, model = ctx.model, trainer?: { url: string; port: number }): Promise<Checkpoint> {
  try {
    return await trained(ctx, samples, model, 180_000);
  } catch (error) {
    if (!trainer) throw error;
    const [ready, learnt] = await Promise.all([
      fetch(`${trainer.url}/readyz`).then((r) => r.text(), (e: Error) => e.message),
      metricValue(trainer.port, 'sonar_trainer_readings_total', { kind: 'trained' }).catch((e: Error) => e.message),
    ]);
    throw new Error(`${(error as Error).message}; the trainer answers /readyz ${ready}, and has trained ${learnt} readings`);
  }
}

export function sameBits(a: Float64Array, b: Float64Array): boolean {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.length === y.length && x.every((byte, i) => byte === y[i]);
}

/** Asserts and reports: the row says what held, the assertion makes a broken invariant fail the suite. */
export function check(ok: boolean, what: string): boolean {
  expect(ok, what).toBe(true);
  return ok;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Count-only, one-partition training: the configuration under which theta is reproducible bit for bit. */
export const DETERMINISTIC = DETERMINISTIC_TRAINING;

/** min / median / max of durations in ms, in seconds. */
export function summary(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const s = (x: number) => `${(x / 1000).toFixed(1)} s`;
  return sorted.length === 0 ? 'n/a' : `min ${s(sorted[0]!)}, median ${s(sorted[Math.floor(sorted.length / 2)]!)}, max ${s(sorted.at(-1)!)} (${sorted.length} restarts)`;
}

/**
 * Writes records as a raw producer would, in order with acks=all: all at once, or
 * paced at `rate` records per second (a stream the services read while it is written).
 */
export async function sendRecords(kafka: Kafka, topic: string, messages: readonly Message[], options: { rate?: number; compression?: CompressionTypes } = {}): Promise<void> {
  const producer = createProducer(kafka);
  await producer.connect();
  try {
    const started = performance.now();
    let sent = 0;
    const perChunk = options.rate ? Math.max(1, Math.round(options.rate / 20)) : 2000;
    for (const chunk of chunkMessages(messages, perChunk)) {
      await producer.send({ topic, acks: -1, messages: chunk.messages, ...(options.compression === undefined ? {} : { compression: options.compression }) });
      sent += chunk.messages.length;
      const wait = options.rate ? started + (sent / options.rate) * 1000 - performance.now() : 0;
      if (wait > 0) await sleep(wait);
    }
  } finally {
    await producer.disconnect();
  }
}

/** One metric of a service, read every `everyMs` until stop() (reads that fail are left out), with when each was read. */
export function sampleMetric(port: number, name: string, everyMs: number) {
  const samples: { at: number; value: number }[] = [];
  let sampling = true;
  const loop = (async () => {
    while (sampling) {
      const value = await metricValue(port, name).catch(() => Number.NaN);
      if (Number.isFinite(value)) samples.push({ at: Date.now(), value });
      await sleep(everyMs);
    }
  })();
  return {
    samples,
    async stop(): Promise<number[]> {
      sampling = false;
      await loop;
      return samples.map((s) => s.value);
    },
  };
}

/** The scorer's model version, sampled every 100 ms until stop(): the samples, in order. */
export function sampleScorerVersions(port: number): { readonly versions: number[]; stop: () => Promise<number[]> } {
  const sampler = sampleMetric(port, 'sonar_scorer_model_version', 100);
  return {
    get versions() {
      return sampler.samples.map((s) => s.value);
    },
    stop: () => sampler.stop(),
  };
}

/** True when no value is below the one before it. */
export const neverBack = (xs: number[]) => xs.every((v, i) => i === 0 || v >= xs[i - 1]!);
