import type { Admin, Consumer } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@sonar/runtime';
import type { CheckpointStore } from '@sonar/store';
import { Learner, type LearnerSettings } from '../learner/learner.ts';
import { releaseEvent, type Admitted, type TrainerEvent } from '../events.ts';
import type { TrainingSession } from '../session.ts';

export interface ResumeDeps {
  topic: string;
  session: TrainingSession;
  store: CheckpointStore;
  admin: Admin;
  consumer: Consumer;
  settings: LearnerSettings;
  logger: Logger;
  now: () => number;
  onResumed: (learner: Learner) => void;
}

const RETRY_MS = 1000;
const ATTEMPTS = 60;

/**
 * After each assignment (and after a rollback) the checkpoint, not the group's
 * committed offsets, is the truth: take a new fencing epoch, load the checkpoint,
 * and seek every partition to its offset. Events that arrive while this trainer
 * holds nothing to train are released unprocessed.
 */
export function resumeIfAssigned(deps: ResumeDeps) {
  return async (event: TrainerEvent): Promise<Admitted | undefined> => {
    const { session } = deps;
    const pending = session.pendingAssignment;
    if (pending !== undefined) {
      session.pendingAssignment = undefined;
      if (await keepsWhatItHas(deps, pending)) {
        // A rebalance that left this trainer its partitions, and nobody took the model meanwhile.
      } else if (pending.length === 0) {
        session.partitions = [];
        session.deactivate('revoked');
        deps.logger.info('no partitions assigned: standing by');
      } else {
        session.fenced = false;
        session.partitions = pending;
        await retrying(deps, 'resume after an assignment', async () => {
          session.epoch = await deps.store.takeEpoch();
          await resume(deps, pending);
        });
        releaseEvent(event); // fetched before the seek
        return undefined;
      }
    } else if (session.reloadRequested && session.active) {
      session.reloadRequested = false;
      await retrying(deps, 'resume from a rollback', () => resume(deps, session.partitions));
      releaseEvent(event);
      return undefined;
    }
    const learner = session.learner;
    if (!learner || !session.active || (event.kind === 'batch' && event.batch.isStale())) {
      releaseEvent(event);
      return undefined;
    }
    return { event, learner };
  };
}

async function keepsWhatItHas(deps: ResumeDeps, partitions: number[]): Promise<boolean> {
  const { session } = deps;
  const same = session.active && partitions.length === session.partitions.length && partitions.every((p) => session.partitions.includes(p));
  // Between two rebalances another trainer may have held the partitions and taken the epoch.
  return same && (await deps.store.currentEpoch().catch(() => undefined)) === session.epoch;
}

/** Redis or the broker may be briefly away at an assignment: try again rather than die. */
async function retrying(deps: ResumeDeps, what: string, work: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= ATTEMPTS) throw error;
      deps.logger.warn({ err: (error as Error).message, attempt }, `${what} failed; retrying`);
      await sleep(RETRY_MS);
    }
  }
}

async function resume(deps: ResumeDeps, partitions: number[]): Promise<void> {
  const { session, store, topic, settings, logger } = deps;
  const checkpoint = await store.load();
  const sameTopic = checkpoint?.topic === topic;
  if (checkpoint && !sameTopic) {
    logger.warn({ checkpointTopic: checkpoint.topic, topic }, 'checkpoint was trained on another topic: keeping theta, reading this topic from its start');
  }
  if (checkpoint && checkpoint.hyperparameters.optimizer !== settings.optimizer.optimizer) {
    logger.warn({ was: checkpoint.hyperparameters.optimizer, now: settings.optimizer.optimizer }, 'optimizer changed: theta carries over, its moments start at zero');
  }
  const offsets = sameTopic ? checkpoint.offsets : {};
  const missing = partitions.filter((p) => offsets[String(p)] === undefined);
  const earliest = missing.length > 0 ? await earliestOffsets(deps.admin, topic) : new Map<number, string>();
  const learner = new Learner(
    settings,
    checkpoint && { state: checkpoint.state, version: checkpoint.version, samples: checkpoint.samples, batches: checkpoint.batches, cost: checkpoint.cost },
  );
  const seeks: Record<number, string> = {};
  for (const partition of partitions) {
    const offset = offsets[String(partition)] ?? earliest.get(partition) ?? '0';
    learner.startAt(partition, Number(offset));
    deps.consumer.seek({ topic, partition, offset });
    seeks[partition] = offset;
  }
  session.learner = learner;
  session.savedOffsets = JSON.stringify(learner.offsets());
  session.lastCheckpointAt = deps.now();
  deps.onResumed(learner);
  logger.info(
    { epoch: session.epoch, version: learner.version, samples: learner.samples, offsets: seeks },
    checkpoint ? 'resumed from checkpoint' : 'no checkpoint yet: training from the earliest retained reading',
  );
}

async function earliestOffsets(admin: Admin, topic: string): Promise<Map<number, string>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((o) => [o.partition, o.low]));
}
