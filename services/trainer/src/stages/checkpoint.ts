import type { Consumer } from 'kafkajs';
import { encodeModelUpdate } from '@sonar/contracts';
import type { BatchingProducer } from '@sonar/kafka';
import type { Logger } from '@sonar/runtime';
import type { Checkpoint, CheckpointStore } from '@sonar/store';
import { cloneState } from '@sonar/model';
import type { InFlight } from '../events.ts';
import type { TrainerMetrics } from '../metrics.ts';
import type { TrainingSession } from '../session.ts';

export interface CheckpointDeps {
  model: string;
  topic: string;
  modelsTopic: string;
  every: number;
  intervalMs: number;
  hyperparameters: Record<string, unknown>;
  session: TrainingSession;
  store: CheckpointStore;
  producer: BatchingProducer;
  consumer: Consumer;
  metrics: TrainerMetrics;
  logger: Logger;
  now: () => number;
}

const RETRY_AFTER_FAILURE_MS = 1000;

/**
 * Writes checkpoints: every N applied batches, after a quiet interval, and on
 * shutdown. The Redis script accepts one only from the current epoch and only if
 * newer; then the model event, the update PUBLISH, and the offsets committed to
 * Kafka (which only feed lag monitoring: the checkpoint is what a trainer resumes from).
 */
export class Checkpointer {
  private failedAt = 0;

  constructor(private readonly deps: CheckpointDeps) {}

  /** The pipeline stage: write when due, then pass the event on. */
  readonly stage = async (flight: InFlight): Promise<InFlight> => {
    if (this.due()) await this.write('due');
    return flight;
  };

  due(): boolean {
    const { session, every, intervalMs, now } = this.deps;
    const learner = session.learner;
    if (!learner || !session.active) return false;
    const time = now();
    if (time - this.failedAt < RETRY_AFTER_FAILURE_MS) return false;
    if (learner.unsaved >= every) return true;
    return intervalMs > 0 && time - session.lastCheckpointAt >= intervalMs && this.pending;
  }

  /** True when there is progress a checkpoint would keep: applied batches, or records consumed past the last one. */
  get pending(): boolean {
    const learner = this.deps.session.learner;
    return Boolean(learner && (learner.unsaved > 0 || JSON.stringify(learner.offsets()) !== this.deps.session.savedOffsets));
  }

  async write(reason: 'due' | 'shutdown'): Promise<boolean> {
    const { session, store, metrics, logger } = this.deps;
    const learner = session.learner;
    if (!learner || !session.active || session.epoch === undefined) return false;
    const timer = metrics.checkpointSeconds.startTimer();
    // A snapshot: with a max wait, a tick may step the learner while this write is under way.
    const unsaved = learner.unsaved;
    const checkpoint: Checkpoint = {
      model: this.deps.model,
      version: learner.version + 1,
      state: cloneState(learner.state),
      cost: learner.lastCost,
      accuracy: learner.progressiveAccuracy,
      samples: learner.samples,
      batches: learner.batches,
      topic: this.deps.topic,
      offsets: learner.offsets(),
      updatedAt: this.deps.now(),
      hyperparameters: this.deps.hyperparameters,
    };
    try {
      const result = await store.commit(checkpoint, session.epoch);
      if (!result.accepted) {
        this.rejected(result.reason, result.reason === 'fenced' ? result.currentEpoch : result.storedVersion);
        return false;
      }
      learner.version = checkpoint.version;
      learner.unsaved -= unsaved;
      session.savedOffsets = JSON.stringify(checkpoint.offsets);
      session.lastCheckpointAt = checkpoint.updatedAt;
      metrics.version.set(checkpoint.version);
      metrics.checkpointTime.set(checkpoint.updatedAt / 1000);
      await this.announce(checkpoint);
      logger.debug({ version: checkpoint.version, samples: checkpoint.samples, reason }, 'checkpoint written');
      return true;
    } catch (error) {
      this.failedAt = this.deps.now();
      logger.error({ err: error, version: checkpoint.version }, 'checkpoint failed; training goes on and the next one will retry');
      return false;
    } finally {
      timer();
    }
  }

  private rejected(reason: 'fenced' | 'stale', current: number): void {
    const { session, metrics, logger } = this.deps;
    if (reason === 'fenced') {
      metrics.fencedWrites.inc();
      logger.warn({ epoch: session.epoch, currentEpoch: current }, 'checkpoint rejected: another trainer holds a newer epoch; standing by');
      session.deactivate('fenced');
    } else {
      logger.info({ storedVersion: current }, 'a newer version was written under our epoch (a rollback): resuming from it');
      session.reloadRequested = true;
    }
  }

  private async announce(checkpoint: Checkpoint): Promise<void> {
    const { producer, store, consumer, topic, modelsTopic, model } = this.deps;
    await producer.send(modelsTopic, [
      {
        key: model,
        value: encodeModelUpdate({
          model,
          version: checkpoint.version,
          theta: Array.from(checkpoint.state.theta),
          cost: checkpoint.cost,
          samples: checkpoint.samples,
          updatedAt: checkpoint.updatedAt,
          hyperparameters: checkpoint.hyperparameters,
        }),
      },
    ]);
    await store.publish(checkpoint.version);
    await consumer
      .commitOffsets(Object.entries(checkpoint.offsets).map(([partition, offset]) => ({ topic, partition: Number(partition), offset })))
      .catch((error: unknown) => this.deps.logger.debug({ err: error }, 'offset commit for lag monitoring failed'));
  }
}
