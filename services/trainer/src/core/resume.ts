import { continueTraining } from '@sonar/model';
import type { Checkpoint } from '@sonar/store';
import { DedupWindow } from '../learner/dedup-window.ts';
import { Learner } from '../learner/learner.ts';
import { log, type Effect } from './effects.ts';
import type { CoreSettings } from './settings.ts';

export interface ResumePlan {
  learner: Learner;
  effects: Effect[];
}

/**
 * The checkpoint, not the group's committed offsets, is the truth: the learner
 * starts from its theta and counters, and every partition is sought to its offset
 * (the earliest retained one for a partition it does not know).
 */
export function resumeFrom(
  checkpoint: Checkpoint | undefined,
  partitions: readonly number[],
  earliest: ReadonlyMap<number, number>,
  settings: CoreSettings,
  epoch: number,
  versionFloor = 0,
): ResumePlan {
  const effects: Effect[] = [];
  const sameTopic = checkpoint?.topic === settings.topic;
  if (checkpoint && !sameTopic) {
    effects.push(log('warn', 'checkpoint was trained on another topic: keeping theta, reading this topic from its start', { checkpointTopic: checkpoint.topic, topic: settings.topic }));
  }
  const optimizer = settings.learner.optimizer;
  const trainedWith = checkpoint?.hyperparameters.optimizer;
  if (checkpoint && trainedWith !== optimizer.optimizer) {
    effects.push(log('warn', 'optimizer changed: theta carries over, the new optimizer starts afresh (step 0, zeroed moments)', { was: trainedWith, now: optimizer.optimizer }));
  }
  const offsets = sameTopic ? checkpoint.offsets : {};
  const positions = new Map<number, number>();
  const warmups = new Map<number, number>();
  const window = settings.learner.dedupWindow;
  for (const partition of partitions) {
    const low = earliest.get(partition) ?? 0;
    const offset = Number(offsets[String(partition)] ?? low);
    positions.set(partition, offset);
    // The ids of the window's offsets before the start are read again, not learnt: retries stay recognised across restarts.
    const from = window > 0 ? Math.max(low, DedupWindow.warmupFrom(offset, window)) : offset;
    if (from < offset) warmups.set(partition, from);
    effects.push({ kind: 'seek', partition, offset: from });
  }
  const start = checkpoint && {
    state: continueTraining(checkpoint.state, optimizer, typeof trainedWith === 'string' ? trainedWith : undefined),
    // Past a corrupt version too: the next checkpoint must be newer than anything stored.
    version: Math.max(checkpoint.version, versionFloor),
    samples: checkpoint.samples,
    batches: checkpoint.batches,
    cost: checkpoint.cost,
    // The applier's: what was applied of the readings (a repeat of it is skipped).
    sourceOffsets: sameTopic ? checkpoint.sourceOffsets : undefined,
  };
  const learner = new Learner(settings.learner, start, positions, warmups);
  effects.push(
    { kind: 'report-model', version: learner.version, samples: learner.samples },
    log('info', checkpoint ? 'resumed from checkpoint' : 'no checkpoint yet: training from the earliest retained reading', {
      epoch,
      version: learner.version,
      samples: learner.samples,
      offsets: Object.fromEntries(positions),
    }),
  );
  return { learner, effects };
}
