import type { Admin, Consumer } from 'kafkajs';
import type { Logger } from '@sonar/runtime';
import type { CheckpointStore } from '@sonar/store';
import { Learner, type LearnerSettings } from '../learner/learner.ts';
import { releaseEvent, type TrainerEvent } from '../events.ts';
import type { TrainingSession } from '../session.ts';

export interface ResumeDeps {
  topic: string;
  session: TrainingSession;
  store: CheckpointStore;
  admin: Admin;
  consumer: Consumer;
  settings: LearnerSettings;
  logger: Logger;
  onResumed: (learner: Learner) => void;
}

/**
 * After each assignment (and after a rollback) the checkpoint, not the group's
 * committed offsets, is the truth: take a new fencing epoch, load the checkpoint,
 * and seek every partition to its offset. Events that arrive while this trainer
 * holds nothing to train are released unprocessed.
 */
export function resumeIfAssigned(deps: ResumeDeps) {
  return async (event: TrainerEvent): Promise<TrainerEvent | undefined> => {
    const { session } = deps;
    if (session.pendingAssignment !== undefined && keepsWhatItHas(session, session.pendingAssignment)) {
      // A rebalance that left this trainer its partitions: nobody else trained meanwhile.
      session.pendingAssignment = undefined;
    } else if (session.pendingAssignment !== undefined) {
      const partitions = session.pendingAssignment;
      session.pendingAssignment = undefined;
      session.fenced = false;
      session.partitions = partitions;
      if (partitions.length === 0) {
        session.deactivate('revoked');
        deps.logger.info('no partitions assigned: standing by');
      } else {
        session.epoch = await deps.store.takeEpoch();
        await resume(deps, partitions);
        releaseEvent(event); // fetched before the seek
        return undefined;
      }
    } else if (session.reloadRequested && session.active) {
      session.reloadRequested = false;
      await resume(deps, session.partitions);
      releaseEvent(event);
      return undefined;
    }
    if (!session.active) {
      releaseEvent(event);
      return undefined;
    }
    if (event.kind === 'batch' && event.batch.isStale()) {
      event.batch.release();
      return undefined;
    }
    return event;
  };
}

function keepsWhatItHas(session: TrainingSession, partitions: number[]): boolean {
  return session.active && partitions.length === session.partitions.length && partitions.every((p) => session.partitions.includes(p));
}

async function resume(deps: ResumeDeps, partitions: number[]): Promise<void> {
  const { session, store, topic } = deps;
  const checkpoint = await store.load();
  const sameTopic = checkpoint?.topic === topic;
  if (checkpoint && !sameTopic) {
    deps.logger.warn({ checkpointTopic: checkpoint.topic, topic }, 'checkpoint was trained on another topic: keeping theta, reading this topic from its start');
  }
  const earliest = sameTopic ? new Map<number, string>() : await earliestOffsets(deps.admin, topic);
  if (sameTopic) {
    const missing = partitions.filter((p) => checkpoint.offsets[String(p)] === undefined);
    if (missing.length > 0) for (const [p, o] of await earliestOffsets(deps.admin, topic)) earliest.set(p, o);
  }
  const learner = new Learner(
    deps.settings,
    checkpoint && {
      state: checkpoint.state,
      version: checkpoint.version,
      samples: checkpoint.samples,
      batches: checkpoint.batches,
      cost: checkpoint.cost,
    },
  );
  const seeks: Record<number, string> = {};
  for (const partition of partitions) {
    const offset = (sameTopic ? checkpoint.offsets[String(partition)] : undefined) ?? earliest.get(partition) ?? '0';
    learner.startAt(partition, Number(offset));
    deps.consumer.seek({ topic, partition, offset });
    seeks[partition] = offset;
  }
  session.learner = learner;
  session.savedOffsets = JSON.stringify(learner.offsets());
  session.lastCheckpointAt = Date.now();
  deps.onResumed(learner);
  deps.logger.info(
    { epoch: session.epoch, version: learner.version, samples: learner.samples, offsets: seeks },
    checkpoint ? 'resumed from checkpoint' : 'no checkpoint yet: training from the earliest retained reading',
  );
}

async function earliestOffsets(admin: Admin, topic: string): Promise<Map<number, string>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((o) => [o.partition, o.low]));
}
