import { predictionTheta } from '@sonar/model';
import type { Admin } from 'kafkajs';
import { deadLetterMessage, encodeModelUpdate, type DeadLetterLimits, type RejectedRecord } from '@sonar/contracts';
import type { BatchingProducer, BatchSource, ConsumerLag, RefusableSender } from '@sonar/kafka';
import { reportRefusedLetters, type Logger } from '@sonar/runtime';
import { refusedByRedis, type Checkpoint, type CheckpointStore } from '@sonar/store';
import type { Effect } from '../core/effects.ts';
import type { TrainerEvent } from '../core/events.ts';
import type { TrainerMetrics } from '../metrics.ts';
import { reportBatch } from './report-batch.ts';

export interface InterpreterDeps {
  topic: string;
  modelsTopic: string;
  deadLetterTopic: string;
  deadLetterLimits: DeadLetterLimits;
  model: string;
  store: CheckpointStore;
  admin: Admin;
  source: BatchSource;
  producer: BatchingProducer;
  /** Dead letters go out on their own, bounded: a refused one is counted and logged, never fatal. */
  deadLetters: RefusableSender;
  metrics: TrainerMetrics;
  lag: ConsumerLag;
  logger: Logger;
}

/**
 * Performs the trainer's effects, in order. Those that ask Redis something answer
 * later, as an event on `feedback`, so learning goes on meanwhile; the others are
 * done before the next effect (a dead letter is acknowledged before a checkpoint
 * that passes its record is written).
 */
export class EffectInterpreter {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly deps: InterpreterDeps,
    private readonly feedback: (event: TrainerEvent) => void,
  ) {}

  async perform(effects: readonly Effect[]): Promise<void> {
    for (const effect of effects) await this.one(effect);
  }

  /** Cancels scheduled events: nothing is fed back once the trainer has stopped. */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async one(effect: Effect): Promise<void> {
    const { deps } = this;
    switch (effect.kind) {
      case 'take-epoch':
        return this.answer(deps.store.takeEpoch(), (epoch) => ({ kind: 'epoch-taken', generation: effect.generation, epoch }), effect.generation);
      case 'read-epoch':
        void deps.store.currentEpoch().then(
          (epoch) => this.feedback({ kind: 'epoch-read', generation: effect.generation, epoch }),
          (error: unknown) => this.feedback({ kind: 'epoch-read', generation: effect.generation, epoch: undefined, error: message(error) }),
        );
        return;
      case 'load-checkpoint':
        return this.answer(this.load(effect.generation), (event) => event, effect.generation);
      case 'seek':
        deps.source.seek(deps.topic, effect.partition, effect.offset);
        return;
      case 'dead-letter':
        return this.deadLetter(effect.partition, effect.rejected);
      case 'write-checkpoint':
        return this.write(effect.checkpoint, effect.epoch);
      case 'announce':
        void this.announce(effect.checkpoint).catch((error: unknown) => deps.logger.warn({ err: message(error), version: effect.checkpoint.version }, 'model update not sent to the models topic (scorers heard of it from Redis)'));
        return;
      case 'release':
        effect.batch.release();
        return;
      case 'report-batch':
        return reportBatch(deps.metrics, deps.lag, deps.logger, effect.report);
      case 'report-model':
        deps.metrics.version.set(effect.version);
        deps.metrics.samples.set(effect.samples);
        return;
      case 'count':
        ({ 'fenced-write': deps.metrics.fencedWrites, 'epoch-reestablished': deps.metrics.epochReestablished, 'corrupt-checkpoint': deps.metrics.corruptCheckpoints })[effect.metric].inc(effect.by ?? 1);
        return;
      case 'log':
        deps.logger[effect.level](effect.fields ?? {}, effect.message);
        return;
      case 'schedule': {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.feedback(effect.event);
        }, effect.ms);
        this.timers.add(timer);
        return;
      }
      case 'rejoin':
        void deps.source.rejoin().catch((error: unknown) => deps.logger.error({ err: message(error) }, 'rejoining the consumer group failed'));
        return;
      case 'fail':
        throw new Error(effect.message);
      case 'done':
        return;
    }
  }

  /** Starts a Redis request of a resume; its answer, or its failure, comes back as an event. */
  private answer<T>(request: Promise<T>, event: (value: T) => TrainerEvent, generation: number): void {
    void request.then(
      (value) => this.feedback(event(value)),
      (error: unknown) => this.feedback({ kind: 'resume-failed', generation, error: message(error), ...(refusedByRedis(error) ? { refused: true } : {}) }),
    );
  }

  private async load(generation: number): Promise<TrainerEvent> {
    const point = await this.deps.store.resumePoint();
    if (point.kind === 'unusable') return { kind: 'checkpoint-unusable', generation, skipped: point.skipped };
    const checkpoint = point.kind === 'checkpoint' ? point.checkpoint : undefined;
    // The earliest retained offsets: where a partition without a checkpointed offset starts, and how far back its dedup window is rebuilt.
    const earliest = new Map<number, number>();
    for (const offset of await this.deps.admin.fetchTopicOffsets(this.deps.topic)) earliest.set(offset.partition, Number(offset.low));
    if (point.kind === 'none') return { kind: 'checkpoint-loaded', generation, checkpoint, earliest };
    return { kind: 'checkpoint-loaded', generation, checkpoint, earliest, skipped: point.skipped, versionFloor: point.versionFloor };
  }

  private write(checkpoint: Checkpoint, epoch: number): void {
    const timer = this.deps.metrics.checkpointSeconds.startTimer();
    const answer = (result: Extract<TrainerEvent, { kind: 'checkpoint-written' }>['result']) => {
      timer();
      if (result.accepted) this.deps.metrics.checkpointTime.set(checkpoint.updatedAt / 1000);
      this.feedback({ kind: 'checkpoint-written', epoch, version: checkpoint.version, result });
    };
    void this.deps.store.commit(checkpoint, epoch).then(answer, (error: unknown) => answer({ accepted: false, reason: 'failed', error: message(error) }));
  }

  /** The letters of a batch's rejects; if the dead-letter topic refuses them, each is logged with its coordinates and skipped. */
  private async deadLetter(partition: number, rejected: readonly RejectedRecord[]): Promise<void> {
    const { deps } = this;
    const source = { service: 'trainer', topic: deps.topic, partition };
    const outcome = await deps.deadLetters.send(deps.deadLetterTopic, rejected.map((r) => deadLetterMessage(r, source, deps.deadLetterLimits)));
    if (outcome.kind === 'refused') {
      reportRefusedLetters(deps.metrics.deadLettersFailed, deps.logger, { topic: deps.topic, partition, deadLetterTopic: deps.deadLetterTopic }, rejected, outcome.error);
    }
  }

  /** The models topic's record of a written checkpoint (the Redis announcement went out with the write). */
  private async announce(checkpoint: Checkpoint): Promise<void> {
    const { producer, source, topic, modelsTopic, model } = this.deps;
    await producer.send(modelsTopic, [
      {
        key: model,
        value: encodeModelUpdate({
          model,
          version: checkpoint.version,
          theta: Array.from(predictionTheta(checkpoint.state)),
          cost: checkpoint.cost,
          samples: checkpoint.samples,
          updatedAt: checkpoint.updatedAt,
          hyperparameters: checkpoint.hyperparameters,
          ...(checkpoint.drifts ? { driftDetected: true } : {}),
        }),
      },
    ]);
    // Committed offsets only feed lag monitoring: the checkpoint is what a trainer resumes from.
    await source
      .commit(Object.entries(checkpoint.offsets).map(([partition, offset]) => ({ topic, partition: Number(partition), offset })))
      .catch((error: unknown) => this.deps.logger.debug({ err: message(error) }, 'offset commit for lag monitoring failed'));
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
