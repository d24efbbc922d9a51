import type { Checkpoint } from '@sonar/store';
import { checkpointDue, startWrite } from './checkpoint.ts';
import { log, type Effect } from './effects.ts';
import type { TrainerEvent, WriteResult } from './events.ts';
import { applyGradients } from './apply-gradients.ts';
import { learnBatch } from './learn-batch.ts';
import { resumeFrom } from './resume.ts';
import type { Learner } from '../learner/learner.ts';
import type { CoreSettings } from './settings.ts';
import { generationOf, type TrainerState } from './state.ts';

export interface Transition {
  state: TrainerState;
  effects: Effect[];
}

type Of<K extends TrainerState['kind']> = Extract<TrainerState, { kind: K }>;
type EventOf<K extends TrainerEvent['kind']> = Extract<TrainerEvent, { kind: K }>;

const stay = (state: TrainerState, effects: Effect[] = []): Transition => ({ state, effects });

/**
 * The trainer's decisions: state and event in, the next state and the effects to
 * perform out. Nothing here waits or talks to Kafka or Redis; the learner in the
 * state is changed only through its own methods.
 */
export function step(state: TrainerState, event: TrainerEvent, settings: CoreSettings, now: number): Transition {
  switch (event.kind) {
    case 'assigned':
      return assigned(state, event.partitions);
    case 'epoch-taken':
      return epochTaken(state, event);
    case 'epoch-read':
      return epochRead(state, event);
    case 'checkpoint-loaded':
      return checkpointLoaded(state, event, settings, now);
    case 'checkpoint-unusable':
      return checkpointUnusable(state, event, settings);
    case 'resume-failed':
      return resumeFailed(state, event, settings);
    case 'retry-resume':
      return retryResume(state, event);
    case 'batch':
      return batch(state, event, settings, now);
    case 'tick':
      return tick(state, settings, now);
    case 'checkpoint-written':
      return checkpointWritten(state, event, settings, now);
    case 'stop':
      return stop(state, settings, now);
  }
}

function assigned(state: TrainerState, partitions: readonly number[]): Transition {
  if (state.kind === 'stopping' || state.kind === 'stopped') return stay(state);
  const generation = generationOf(state) + 1;
  if (partitions.length === 0) {
    return { state: { kind: 'standby', generation }, effects: [log('info', 'no partitions assigned: standing by')] };
  }
  if (state.kind === 'active' && samePartitions(state.partitions, partitions)) {
    // Between two rebalances another trainer may have held the partitions and taken the epoch.
    return { state: { ...state, generation }, effects: [{ kind: 'read-epoch', generation }] };
  }
  return resuming(generation, partitions, undefined);
}

function resuming(generation: number, partitions: readonly number[], epoch: number | undefined): Transition {
  return {
    state: { kind: 'resuming', generation, partitions, epoch, attempt: 1 },
    effects: [epoch === undefined ? { kind: 'take-epoch', generation } : { kind: 'load-checkpoint', generation, partitions }],
  };
}

function epochTaken(state: TrainerState, event: EventOf<'epoch-taken'>): Transition {
  if (state.kind !== 'resuming' || state.generation !== event.generation) return stay(state);
  return {
    state: { ...state, epoch: event.epoch },
    effects: [{ kind: 'load-checkpoint', generation: state.generation, partitions: state.partitions }],
  };
}

function epochRead(state: TrainerState, event: EventOf<'epoch-read'>): Transition {
  if (state.kind !== 'active' || state.generation !== event.generation) return stay(state);
  if (event.error === undefined && (event.epoch === undefined || event.epoch <= state.epoch)) {
    // Still ours (a lower or missing epoch is re-established by the next write).
    return stay(state, [log('debug', 'a rebalance left this trainer its partitions', { epoch: state.epoch })]);
  }
  const why = event.error ?? `epoch ${event.epoch} was taken since (ours is ${state.epoch})`;
  return withEffects(resuming(state.generation + 1, state.partitions, undefined), [log('info', 'resuming after a rebalance', { reason: why })]);
}

function checkpointLoaded(state: TrainerState, event: EventOf<'checkpoint-loaded'>, settings: CoreSettings, now: number): Transition {
  if (state.kind !== 'resuming' || state.generation !== event.generation || state.epoch === undefined) return stay(state);
  const plan = resumeFrom(event.checkpoint, state.partitions, event.earliest, settings, state.epoch, event.versionFloor);
  const skipped = event.skipped ?? [];
  if (skipped.length > 0) {
    plan.effects.unshift(
      { kind: 'count', metric: 'corrupt-checkpoint', by: skipped.length },
      log('error', 'the stored checkpoint is corrupt: resuming from the newest usable version of its history (the readings since are trained again)', {
        corrupt: skipped.map((c) => ({ version: c.version, reason: c.reason, detail: c.message })),
        resumedFrom: event.checkpoint?.version,
      }),
    );
  }
  return {
    state: {
      kind: 'active',
      generation: state.generation,
      partitions: state.partitions,
      epoch: state.epoch,
      learner: plan.learner,
      writing: undefined,
      lastSavedAt: now,
      retryWriteAt: 0,
    },
    effects: plan.effects,
  };
}

function checkpointUnusable(state: TrainerState, event: EventOf<'checkpoint-unusable'>, settings: CoreSettings): Transition {
  if (state.kind !== 'resuming' || state.generation !== event.generation) return stay(state);
  // Training from scratch would overwrite the model: wait for an operator (rollback, or deleting the model's keys).
  const problem = `the checkpoint is corrupt and no usable version is in its history (${event.skipped.map((c) => `v${c.version ?? '?'}: ${c.reason}`).join(', ')}): roll back to a good version (sonar model rollback) or delete the model's keys`;
  return {
    state: { ...state, problem },
    effects: [
      { kind: 'count', metric: 'corrupt-checkpoint', by: event.skipped.length },
      log('error', 'cannot resume: the stored checkpoint is corrupt and its history has no usable version; not training until it is fixed', { corrupt: event.skipped }),
      { kind: 'schedule', ms: settings.unusableRetryMs, event: { kind: 'retry-resume', generation: state.generation } },
    ],
  };
}

function resumeFailed(state: TrainerState, event: EventOf<'resume-failed'>, settings: CoreSettings): Transition {
  if (state.kind !== 'resuming' || state.generation !== event.generation) return stay(state);
  // The reason as it came, for the line that explains it.
  if (event.refused) return stay(state, [{ kind: 'fail', message: event.error }]);
  if (state.attempt >= settings.resumeAttempts) {
    return stay(state, [
      log('error', 'could not resume after an assignment; giving up the partitions', { attempts: state.attempt, err: event.error }),
      { kind: 'fail', message: `resume failed ${state.attempt} times: ${event.error}` },
    ]);
  }
  return {
    state: { ...state, attempt: state.attempt + 1 },
    effects: [
      log('warn', 'resume after an assignment failed; retrying', { attempt: state.attempt, err: event.error }),
      { kind: 'schedule', ms: settings.resumeRetryMs, event: { kind: 'retry-resume', generation: state.generation } },
    ],
  };
}

function retryResume(state: TrainerState, event: EventOf<'retry-resume'>): Transition {
  if (state.kind !== 'resuming' || state.generation !== event.generation) return stay(state);
  return stay(state, [state.epoch === undefined ? { kind: 'take-epoch', generation: state.generation } : { kind: 'load-checkpoint', generation: state.generation, partitions: state.partitions }]);
}

function batch(state: TrainerState, event: EventOf<'batch'>, settings: CoreSettings, now: number): Transition {
  const release: Effect = { kind: 'release', batch: event.batch };
  // Fetched before a seek, or while this trainer holds nothing to train: let it go unread.
  if (state.kind !== 'active' || event.stale) return stay(state, [release]);
  const report =
    settings.mode === 'parallel'
      ? applyGradients(state.learner, event.batch, settings.model, settings.maxReadingBytes)
      : learnBatch(state.learner, event.batch, settings.maxReadingBytes, now);
  const effects: Effect[] = [];
  if (report.rejected.length > 0) effects.push({ kind: 'dead-letter', partition: event.batch.partition, rejected: report.rejected });
  effects.push({ kind: 'report-batch', report });
  const next = writeIfDue(state, settings, now);
  return { state: next.state, effects: [...effects, ...next.effects, release] };
}

function tick(state: TrainerState, settings: CoreSettings, now: number): Transition {
  if (state.kind === 'active') {
    const outcomes = settings.learner.maxWaitMs > 0 ? state.learner.drain(now) : [];
    const effects: Effect[] = [];
    if (outcomes.length > 0) {
      const { learner } = state;
      effects.push({ kind: 'report-batch', report: { partition: undefined, position: 0, outcomes, rejected: [], holdout: 0, unlabeled: 0, duplicates: 0, samples: learner.samples, accuracy: learner.progressiveAccuracy } });
    }
    return withEffects(writeIfDue(state, settings, now), effects);
  }
  if (state.kind === 'fenced' && !state.rejoined && now - state.since >= settings.rejoinAfterMs) {
    return {
      state: { ...state, rejoined: true },
      effects: [log('warn', 'fenced, yet the group still assigns this trainer its partitions: rejoining the group', { fencedForMs: now - state.since }), { kind: 'rejoin' }],
    };
  }
  if (state.kind === 'stopping' && !state.writing && now >= state.retryWriteAt) return finalWrite(state.learner, state.epoch, settings, now);
  return stay(state);
}

function writeIfDue(state: Of<'active'>, settings: CoreSettings, now: number): Transition {
  if (!checkpointDue(state, settings, now)) return stay(state);
  const { writing, effect } = startWrite(state.learner, state.epoch, settings, now);
  return { state: { ...state, writing }, effects: [effect] };
}

function checkpointWritten(state: TrainerState, event: EventOf<'checkpoint-written'>, settings: CoreSettings, now: number): Transition {
  const { result } = event;
  const mine = (state.kind === 'active' || state.kind === 'stopping') && state.writing?.epoch === event.epoch && state.writing.version === event.version;
  if (!mine) return stay(state, lateAnswer(event));
  if (state.kind === 'stopping') return stoppingWritten(state, result, settings, now);
  const active = state as Of<'active'>;
  const writing = active.writing!;
  if (result.accepted) {
    active.learner.saved(writing.snapshot);
    return {
      state: { ...active, writing: undefined, lastSavedAt: now },
      effects: accepted(writing.checkpoint, result, active.epoch),
    };
  }
  switch (result.reason) {
    case 'fenced':
      return {
        state: { kind: 'fenced', generation: active.generation, partitions: active.partitions, since: now, rejoined: false },
        effects: [
          { kind: 'count', metric: 'fenced-write' },
          log('warn', 'checkpoint rejected: another trainer holds a newer epoch; standing by', { epoch: active.epoch, currentEpoch: result.currentEpoch }),
        ],
      };
    case 'stale':
      // A newer version under our own epoch: an operator rolled back. Resume from it.
      return withEffects(resuming(active.generation + 1, active.partitions, active.epoch), [
        log('info', 'a newer version was written under our epoch (a rollback): resuming from it', { storedVersion: result.storedVersion }),
      ]);
    case 'failed':
      return {
        state: { ...active, writing: undefined, retryWriteAt: now + settings.writeRetryMs },
        effects: [log('error', 'checkpoint failed; training goes on and the next one will retry', { version: event.version, err: result.error })],
      };
  }
}

function stoppingWritten(state: Of<'stopping'>, result: WriteResult, settings: CoreSettings, now: number): Transition {
  const writing = state.writing!;
  if (result.accepted) {
    state.learner.saved(writing.snapshot);
    const effects = accepted(writing.checkpoint, result, state.epoch);
    // Readings learnt while the write was under way still need saving.
    if (state.learner.hasUnsaved) return withEffects(finalWrite(state.learner, state.epoch, settings, now), effects);
    return { state: { kind: 'stopped' }, effects: [...effects, { kind: 'done' }] };
  }
  if (result.reason === 'failed') {
    return {
      state: { ...state, writing: undefined, retryWriteAt: now + settings.writeRetryMs },
      effects: [log('error', 'final checkpoint failed; retrying until the grace period ends', { err: result.error })],
    };
  }
  return { state: { kind: 'stopped' }, effects: [log('warn', 'final checkpoint not accepted', { reason: result.reason }), { kind: 'done' }] };
}

/**
 * The answer to a write made before the trainer moved on (a new assignment, say): it
 * changes nothing now. One accepted is in Redis, where the scorer finds it by polling;
 * one fenced is counted.
 */
function lateAnswer(event: EventOf<'checkpoint-written'>): Effect[] {
  const { result } = event;
  if (result.accepted) return [log('debug', 'a checkpoint of an earlier assignment was written', { epoch: event.epoch, version: event.version })];
  if (result.reason === 'fenced') {
    return [{ kind: 'count', metric: 'fenced-write' }, log('info', 'a checkpoint of an earlier assignment was fenced; it changes nothing now', { epoch: event.epoch })];
  }
  return [];
}

function accepted(checkpoint: Checkpoint, result: Extract<WriteResult, { accepted: true }>, epoch: number): Effect[] {
  const effects: Effect[] = [
    { kind: 'announce', checkpoint },
    { kind: 'report-model', version: checkpoint.version, samples: checkpoint.samples },
    log('debug', 'checkpoint written', { version: checkpoint.version, samples: checkpoint.samples }),
  ];
  if (result.reestablished) {
    effects.push(
      { kind: 'count', metric: 'epoch-reestablished' },
      log('warn', 'the stored fencing epoch was behind ours (Redis lost writes): re-established it and training goes on', {
        epoch,
        storedEpoch: result.reestablished.from ?? 'missing',
      }),
    );
  }
  if (result.unreplicated) {
    // Training goes on: a failover that lost it would resume from the checkpoint before, its offsets with it.
    effects.push(
      log('warn', 'checkpoint written, but not acknowledged by the replicas asked for in time: a failover now could lose it', {
        version: checkpoint.version,
        ...result.unreplicated,
      }),
    );
  }
  return effects;
}

function stop(state: TrainerState, settings: CoreSettings, now: number): Transition {
  if (state.kind === 'stopping' || state.kind === 'stopped') return stay(state);
  if (state.kind !== 'active') return { state: { kind: 'stopped' }, effects: [{ kind: 'done' }] };
  if (state.writing) return stay({ kind: 'stopping', epoch: state.epoch, learner: state.learner, writing: state.writing, retryWriteAt: 0 });
  if (!state.learner.hasUnsaved) return { state: { kind: 'stopped' }, effects: [{ kind: 'done' }] };
  return finalWrite(state.learner, state.epoch, settings, now);
}

function finalWrite(learner: Learner, epoch: number, settings: CoreSettings, now: number): Transition {
  const { writing, effect } = startWrite(learner, epoch, settings, now);
  return { state: { kind: 'stopping', epoch, learner, writing, retryWriteAt: 0 }, effects: [effect] };
}

/** The transition with these effects first. */
function withEffects(transition: Transition, effects: Effect[]): Transition {
  return { state: transition.state, effects: [...effects, ...transition.effects] };
}

function samePartitions(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && b.every((p) => a.includes(p));
}
