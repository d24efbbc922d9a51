import { describe, expect, it } from 'vitest';
import type { Effect } from './effects.ts';
import type { TrainerEvent } from './events.ts';
import { batchOf, checkpointOf, learner, readingValue, SETTINGS } from './fixtures.test-support.ts';
import { startWrite } from './checkpoint.ts';
import type { TrainerState } from './state.ts';
import { step, type Transition } from './step.ts';

const NOW = 1000;

/** A state fixture; made fresh for each case, since the learner inside is mutable. */
const STATES: Record<string, () => TrainerState> = {
  standby: () => ({ kind: 'standby', generation: 1 }),
  'resuming, no epoch yet': () => ({ kind: 'resuming', generation: 2, partitions: [0, 1], epoch: undefined, attempt: 1 }),
  'resuming, epoch taken': () => ({ kind: 'resuming', generation: 2, partitions: [0, 1], epoch: 7, attempt: 1 }),
  active: () => ({ kind: 'active', generation: 2, partitions: [0, 1], epoch: 7, learner: learner(), writing: undefined, lastSavedAt: 0, retryWriteAt: 0 }),
  'active, writing': () => writing('active'),
  fenced: () => ({ kind: 'fenced', generation: 2, partitions: [0, 1], since: 0, rejoined: false }),
  'stopping, writing': () => writing('stopping'),
  'stopping, write failed': () => ({ kind: 'stopping', epoch: 7, learner: withProgress(), writing: undefined, retryWriteAt: 5000 }),
  stopped: () => ({ kind: 'stopped' }),
};

/** A learner that has applied one mini-batch, so a checkpoint has something to say. */
function withProgress() {
  const l = learner();
  const t = step({ kind: 'active', generation: 2, partitions: [0, 1], epoch: 7, learner: l, writing: undefined, lastSavedAt: 0, retryWriteAt: 0 }, batchEvent(), { ...SETTINGS, checkpointEvery: 99 }, 0);
  expect(t.state.kind).toBe('active');
  return l;
}

/** A state with version 1 being written under epoch 7. */
function writing(kind: 'active' | 'stopping'): TrainerState {
  const l = withProgress();
  const { writing } = startWrite(l, 7, SETTINGS, 0);
  return kind === 'active'
    ? { kind: 'active', generation: 2, partitions: [0, 1], epoch: 7, learner: l, writing, lastSavedAt: 0, retryWriteAt: 0 }
    : { kind: 'stopping', epoch: 7, learner: l, writing, retryWriteAt: 0 };
}

const batchEvent = (stale = false): TrainerEvent => ({ kind: 'batch', batch: batchOf(0, 0, [readingValue(0), readingValue(1)]), stale });
const written = (result: Extract<TrainerEvent, { kind: 'checkpoint-written' }>['result'], epoch = 7): TrainerEvent => ({ kind: 'checkpoint-written', epoch, version: 1, result });

const EVENTS: Record<string, () => TrainerEvent> = {
  'assigned none': () => ({ kind: 'assigned', partitions: [] }),
  'assigned the same': () => ({ kind: 'assigned', partitions: [1, 0] }),
  'assigned others': () => ({ kind: 'assigned', partitions: [2] }),
  'epoch taken': () => ({ kind: 'epoch-taken', generation: 2, epoch: 8 }),
  'epoch taken, earlier generation': () => ({ kind: 'epoch-taken', generation: 1, epoch: 8 }),
  'epoch read: ours': () => ({ kind: 'epoch-read', generation: 2, epoch: 7 }),
  'epoch read: newer': () => ({ kind: 'epoch-read', generation: 2, epoch: 9 }),
  'epoch read: behind': () => ({ kind: 'epoch-read', generation: 2, epoch: 3 }),
  'epoch read: missing': () => ({ kind: 'epoch-read', generation: 2, epoch: undefined }),
  'epoch read: failed': () => ({ kind: 'epoch-read', generation: 2, epoch: undefined, error: 'timeout' }),
  'epoch read, earlier generation': () => ({ kind: 'epoch-read', generation: 1, epoch: 9 }),
  'checkpoint loaded': () => ({ kind: 'checkpoint-loaded', generation: 2, checkpoint: checkpointOf(4), earliest: new Map() }),
  'checkpoint loaded, earlier generation': () => ({ kind: 'checkpoint-loaded', generation: 1, checkpoint: checkpointOf(4), earliest: new Map() }),
  'checkpoint unusable': () => ({ kind: 'checkpoint-unusable', generation: 2, skipped: [{ version: 5, reason: 'wrong_theta_length', message: 'theta has 3 coefficients' }] }),
  'resume failed': () => ({ kind: 'resume-failed', generation: 2, error: 'ECONNREFUSED' }),
  'retry resume': () => ({ kind: 'retry-resume', generation: 2 }),
  batch: () => batchEvent(),
  'stale batch': () => batchEvent(true),
  tick: () => ({ kind: 'tick' }),
  'written: accepted': () => written({ accepted: true, version: 1 }),
  'written: accepted, epoch re-established': () => written({ accepted: true, version: 1, reestablished: { from: 6 } }),
  'written: fenced': () => written({ accepted: false, reason: 'fenced', currentEpoch: 9 }),
  'written: stale': () => written({ accepted: false, reason: 'stale', storedVersion: 3 }),
  'written: failed': () => written({ accepted: false, reason: 'failed', error: 'timeout' }),
  'written: fenced, under an earlier epoch': () => written({ accepted: false, reason: 'fenced', currentEpoch: 9 }, 5),
  stop: () => ({ kind: 'stop' }),
};

type Expected = [state: TrainerState['kind'], effects: Effect['kind'][]];

/** What a state does with the answers to writes that are not its own. */
const lateAnswers = (kind: TrainerState['kind']): Record<string, Expected> => ({
  'written: accepted': [kind, ['log']],
  'written: accepted, epoch re-established': [kind, ['log']],
  'written: fenced': [kind, ['count', 'log']],
  'written: stale': [kind, []],
  'written: failed': [kind, []],
  'written: fenced, under an earlier epoch': [kind, ['count', 'log']],
});
/** Results of a resume the state is not in (or of an earlier one): ignored. */
const ignoresResume = (kind: TrainerState['kind']): Record<string, Expected> =>
  Object.fromEntries(
    ['epoch taken', 'epoch taken, earlier generation', 'epoch read: ours', 'epoch read: newer', 'epoch read: behind', 'epoch read: missing', 'epoch read: failed', 'epoch read, earlier generation', 'checkpoint loaded', 'checkpoint loaded, earlier generation', 'checkpoint unusable', 'resume failed', 'retry resume'].map((e) => [e, [kind, []] as Expected]),
  );
const newAssignments: Record<string, Expected> = {
  'assigned none': ['standby', ['log']],
  'assigned the same': ['resuming', ['take-epoch']],
  'assigned others': ['resuming', ['take-epoch']],
};

/** A state with nothing to train: batches go back unread, a stop stops. */
const holdingNothing = (kind: TrainerState['kind']): Record<string, Expected> => ({
  ...newAssignments,
  ...ignoresResume(kind),
  batch: [kind, ['release']],
  'stale batch': [kind, ['release']],
  tick: [kind, []],
  ...lateAnswers(kind),
  stop: ['stopped', ['done']],
});
/** Stopping or stopped: assignments and resumes no longer matter, batches go back unread. */
const finishing = (kind: TrainerState['kind']): Record<string, Expected> => ({
  'assigned none': [kind, []],
  'assigned the same': [kind, []],
  'assigned others': [kind, []],
  ...ignoresResume(kind),
  batch: [kind, ['release']],
  'stale batch': [kind, ['release']],
  tick: [kind, []],
  stop: [kind, []],
});

/** What an active trainer does, writing or not. */
const whileActive: Record<string, Expected> = {
  ...newAssignments,
  'assigned the same': ['active', ['read-epoch']],
  ...ignoresResume('active'),
  'epoch read: ours': ['active', ['log']],
  'epoch read: newer': ['resuming', ['log', 'take-epoch']],
  'epoch read: behind': ['active', ['log']],
  'epoch read: missing': ['active', ['log']],
  'epoch read: failed': ['resuming', ['log', 'take-epoch']],
  batch: ['active', ['report-batch', 'release']],
  'stale batch': ['active', ['release']],
  tick: ['active', []],
};

/** Every state × event pair: the next state's kind and the kinds of its effects, in order. */
const TABLE: Record<string, Record<string, Expected>> = {
  standby: holdingNothing('standby'),
  'resuming, no epoch yet': {
    ...newAssignments,
    ...ignoresResume('resuming'),
    'epoch taken': ['resuming', ['load-checkpoint']],
    // No epoch yet: a checkpoint answer cannot be for this resume.
    'checkpoint loaded': ['resuming', []],
    'checkpoint unusable': ['resuming', ['count', 'log', 'schedule']],
    'resume failed': ['resuming', ['log', 'schedule']],
    'retry resume': ['resuming', ['take-epoch']],
    batch: ['resuming', ['release']],
    'stale batch': ['resuming', ['release']],
    tick: ['resuming', []],
    ...lateAnswers('resuming'),
    stop: ['stopped', ['done']],
  },
  'resuming, epoch taken': {
    ...newAssignments,
    ...ignoresResume('resuming'),
    'epoch taken': ['resuming', ['load-checkpoint']],
    'checkpoint loaded': ['active', ['seek', 'seek', 'report-model', 'log']],
    'checkpoint unusable': ['resuming', ['count', 'log', 'schedule']],
    'resume failed': ['resuming', ['log', 'schedule']],
    'retry resume': ['resuming', ['load-checkpoint']],
    batch: ['resuming', ['release']],
    'stale batch': ['resuming', ['release']],
    tick: ['resuming', []],
    ...lateAnswers('resuming'),
    stop: ['stopped', ['done']],
  },
  active: {
    ...whileActive,
    ...lateAnswers('active'),
    stop: ['stopped', ['done']],
  },
  'active, writing': {
    // One write at a time: a batch is learnt, its checkpoint waits.
    ...whileActive,
    'written: accepted': ['active', ['announce', 'report-model', 'log']],
    'written: accepted, epoch re-established': ['active', ['announce', 'report-model', 'log', 'count', 'log']],
    'written: fenced': ['fenced', ['count', 'log']],
    'written: stale': ['resuming', ['log', 'load-checkpoint']],
    'written: failed': ['active', ['log']],
    'written: fenced, under an earlier epoch': ['active', ['count', 'log']],
    stop: ['stopping', []],
  },
  // Fenced for less than a session (see the scenario below for what comes after).
  fenced: holdingNothing('fenced'),
  'stopping, writing': {
    ...finishing('stopping'),
    'written: accepted': ['stopped', ['announce', 'report-model', 'log', 'done']],
    'written: accepted, epoch re-established': ['stopped', ['announce', 'report-model', 'log', 'count', 'log', 'done']],
    'written: fenced': ['stopped', ['log', 'done']],
    'written: stale': ['stopped', ['log', 'done']],
    'written: failed': ['stopping', ['log']],
    'written: fenced, under an earlier epoch': ['stopping', ['count', 'log']],
  },
  // Not yet due on this tick: the retry comes at 5000.
  'stopping, write failed': { ...finishing('stopping'), ...lateAnswers('stopping') },
  stopped: { ...finishing('stopped'), ...lateAnswers('stopped') },
};

const kinds = (t: Transition) => [t.state.kind, t.effects.map((e) => e.kind)];

describe('step: every state × event', () => {
  it('the table covers every pair', () => {
    for (const state of Object.keys(STATES)) expect(Object.keys(TABLE[state]!).sort(), state).toEqual(Object.keys(EVENTS).sort());
  });

  for (const [state, row] of Object.entries(TABLE)) {
    describe(state, () => {
      it.each(Object.entries(row))('%s', (event, expected) => {
        expect(kinds(step(STATES[state]!(), EVENTS[event]!(), SETTINGS, NOW))).toEqual(expected);
      });
    });
  }
});

/** Runs events through step from a state, returning every transition. */
function run(state: TrainerState, events: TrainerEvent[], now = NOW): Transition[] {
  const transitions: Transition[] = [];
  for (const event of events) {
    const t = step(state, event, SETTINGS, now);
    transitions.push(t);
    state = t.state;
  }
  return transitions;
}

const effectsOf = (t: Transition, kind: Effect['kind']) => t.effects.filter((e) => e.kind === kind);

describe('step: orderings the multi-process suites cannot reach reliably', () => {
  it('assignment → epoch → checkpoint → seek every partition to its checkpointed offset', () => {
    const [, , loaded] = run({ kind: 'standby', generation: 0 }, [
      { kind: 'assigned', partitions: [0, 1] },
      { kind: 'epoch-taken', generation: 1, epoch: 4 },
      { kind: 'checkpoint-loaded', generation: 1, checkpoint: checkpointOf(3), earliest: new Map() },
    ]);
    expect(loaded!.state).toMatchObject({ kind: 'active', epoch: 4 });
    expect(effectsOf(loaded!, 'seek')).toEqual([
      { kind: 'seek', partition: 0, offset: 40 },
      { kind: 'seek', partition: 1, offset: 12 },
    ]);
  });

  it('a partition the checkpoint does not know starts at the earliest retained offset', () => {
    const [, , loaded] = run({ kind: 'standby', generation: 0 }, [
      { kind: 'assigned', partitions: [0, 5] },
      { kind: 'epoch-taken', generation: 1, epoch: 4 },
      { kind: 'checkpoint-loaded', generation: 1, checkpoint: checkpointOf(3), earliest: new Map([[5, 77]]) },
    ]);
    expect(effectsOf(loaded!, 'seek')).toEqual([
      { kind: 'seek', partition: 0, offset: 40 },
      { kind: 'seek', partition: 5, offset: 77 },
    ]);
  });

  it('a fenced answer to a write sent under an earlier epoch does not fence the new session (the trainer cannot fence itself)', () => {
    const t = run(STATES['active, writing']!(), [
      { kind: 'assigned', partitions: [0, 1, 2] },
      { kind: 'epoch-taken', generation: 3, epoch: 8 },
      { kind: 'checkpoint-loaded', generation: 3, checkpoint: checkpointOf(1), earliest: new Map([[2, 0]]) },
      written({ accepted: false, reason: 'fenced', currentEpoch: 8 }, 7),
    ]);
    expect(t.at(-1)!.state).toMatchObject({ kind: 'active', epoch: 8 });
    expect(effectsOf(t.at(-1)!, 'count')).toEqual([{ kind: 'count', metric: 'fenced-write' }]);
  });

  it('a checkpoint answer arriving after a new assignment is ignored by the resume under way', () => {
    const t = run(STATES['active, writing']!(), [{ kind: 'assigned', partitions: [3] }, written({ accepted: true, version: 1 })]);
    expect(t.at(-1)!.state).toMatchObject({ kind: 'resuming', partitions: [3] });
    expect(t.at(-1)!.effects.map((e) => e.kind)).toEqual(['log']);
  });

  it('a stale answer (a rollback under our epoch) reloads the checkpoint under the same epoch', () => {
    const t = run(STATES['active, writing']!(), [
      written({ accepted: false, reason: 'stale', storedVersion: 9 }),
      { kind: 'checkpoint-loaded', generation: 3, checkpoint: checkpointOf(9), earliest: new Map() },
    ]);
    expect(t[0]!.state).toMatchObject({ kind: 'resuming', epoch: 7, generation: 3 });
    expect(t[1]!.state).toMatchObject({ kind: 'active', epoch: 7 });
    expect((t[1]!.state as Extract<TrainerState, { kind: 'active' }>).learner.version).toBe(9);
  });

  it('a stop during a resume stops at once, and the resume answers that come later change nothing', () => {
    const t = run(STATES['resuming, no epoch yet']!(), [
      { kind: 'stop' },
      { kind: 'epoch-taken', generation: 2, epoch: 8 },
      { kind: 'checkpoint-loaded', generation: 2, checkpoint: checkpointOf(1), earliest: new Map() },
    ]);
    expect(t.map((x) => x.state.kind)).toEqual(['stopped', 'stopped', 'stopped']);
    expect(t[0]!.effects).toEqual([{ kind: 'done' }]);
    expect(t[1]!.effects).toEqual([]);
  });

  it('an accepted write marks what it held as saved, and announces that version', () => {
    const state = STATES['active, writing']!() as Extract<TrainerState, { kind: 'active' }>;
    const t = step(state, written({ accepted: true, version: 1 }), SETTINGS, NOW);
    expect(state.learner.version).toBe(1);
    expect(state.learner.hasUnsaved).toBe(false);
    expect(effectsOf(t, 'announce')).toEqual([{ kind: 'announce', checkpoint: state.writing!.checkpoint }]);
  });

  it('a stored epoch found behind ours is re-established: training goes on, counted and logged', () => {
    const t = step(STATES['active, writing']!(), written({ accepted: true, version: 1, reestablished: { from: undefined } }), SETTINGS, NOW);
    expect(t.state.kind).toBe('active');
    expect(effectsOf(t, 'count')).toEqual([{ kind: 'count', metric: 'epoch-reestablished' }]);
    expect(effectsOf(t, 'log').at(-1)).toMatchObject({ level: 'warn', fields: { storedEpoch: 'missing' } });
  });

  it('a checkpoint the replicas did not acknowledge in time is logged; training goes on', () => {
    const t = step(STATES['active, writing']!(), written({ accepted: true, version: 1, unreplicated: { acknowledged: 0, wanted: 1 } }), SETTINGS, NOW);
    expect(t.state.kind).toBe('active');
    expect(effectsOf(t, 'announce')).toHaveLength(1);
    expect(effectsOf(t, 'log').at(-1)).toMatchObject({ level: 'warn', fields: { version: 1, acknowledged: 0, wanted: 1 } });
  });

  it('a fenced trainer still assigned its partitions rejoins the group once, after a session, and is active again after the new assignment', () => {
    const t = run(STATES.fenced!(), [{ kind: 'tick' }], SETTINGS.rejoinAfterMs - 1);
    expect(t[0]!.effects).toEqual([]);
    const later = run(t[0]!.state, [{ kind: 'tick' }, { kind: 'tick' }], SETTINGS.rejoinAfterMs);
    expect(later.map((x) => x.effects.map((e) => e.kind))).toEqual([['log', 'rejoin'], []]);
    const back = run(later[1]!.state, [
      { kind: 'assigned', partitions: [0, 1] },
      { kind: 'epoch-taken', generation: 3, epoch: 10 },
      { kind: 'checkpoint-loaded', generation: 3, checkpoint: checkpointOf(2), earliest: new Map() },
    ]);
    expect(back.at(-1)!.state).toMatchObject({ kind: 'active', epoch: 10 });
  });

  it('checkpoints every N mini-batches, one write at a time, and writes the progress made meanwhile next', () => {
    const active = STATES.active!();
    const values = Array.from({ length: 8 }, (_, i) => readingValue(i));
    const t = run(active, [
      { kind: 'batch', batch: batchOf(0, 0, values.slice(0, 4)), stale: false },
      { kind: 'batch', batch: batchOf(0, 4, values.slice(4, 8)), stale: false },
    ]);
    // Two mini-batches of 2 in the first fetched batch: due. The second batch is learnt while the first write is under way.
    expect(t.map((x) => x.effects.map((e) => e.kind))).toEqual([
      ['report-batch', 'write-checkpoint', 'release'],
      ['report-batch', 'release'],
    ]);
    const first = effectsOf(t[0]!, 'write-checkpoint')[0] as Extract<Effect, { kind: 'write-checkpoint' }>;
    expect(first.checkpoint).toMatchObject({ version: 1, samples: 4, offsets: { '0': '4', '1': '0' } });
    const accepted = step(t[1]!.state, written({ accepted: true, version: 1 }), SETTINGS, NOW);
    const next = step(accepted.state, { kind: 'tick' }, SETTINGS, NOW);
    expect(next.effects.map((e) => e.kind)).toEqual(['write-checkpoint']);
    expect((next.effects[0] as Extract<Effect, { kind: 'write-checkpoint' }>).checkpoint).toMatchObject({ version: 2, samples: 8 });
  });

  it('dead-letters invalid records before anything that could checkpoint past them', () => {
    const t = step(STATES.active!(), { kind: 'batch', batch: batchOf(0, 0, [readingValue(0), '{"features": [1', null, readingValue(1), readingValue(2), readingValue(3)]), stale: false }, SETTINGS, NOW);
    expect(t.effects.map((e) => e.kind)).toEqual(['dead-letter', 'report-batch', 'write-checkpoint', 'release']);
    expect((t.effects[0] as Extract<Effect, { kind: 'dead-letter' }>).rejected.map((r) => r.reason)).toEqual(['invalid_json', 'empty']);
  });

  it('a failed write is retried once the retry interval passed', () => {
    const everyBatch = { ...SETTINGS, checkpointEvery: 1 };
    const failed = step(STATES['active, writing']!(), written({ accepted: false, reason: 'failed', error: 'timeout' }), everyBatch, NOW);
    expect(step(failed.state, { kind: 'tick' }, everyBatch, NOW + SETTINGS.writeRetryMs - 1).effects).toEqual([]);
    expect(step(failed.state, { kind: 'tick' }, everyBatch, NOW + SETTINGS.writeRetryMs).effects.map((e) => e.kind)).toEqual(['write-checkpoint']);
  });

  it('on stop with unsaved progress writes a final checkpoint, and again for what was learnt while it was written', () => {
    const stopping = step(STATES.active!(), { kind: 'batch', batch: batchOf(0, 0, [readingValue(0), readingValue(1)]), stale: false }, { ...SETTINGS, checkpointEvery: 9 }, NOW);
    const t = step(stopping.state, { kind: 'stop' }, SETTINGS, NOW);
    expect(kinds(t)).toEqual(['stopping', ['write-checkpoint']]);
    const stopped = step(t.state, written({ accepted: true, version: 1 }), SETTINGS, NOW);
    expect(kinds(stopped)).toEqual(['stopped', ['announce', 'report-model', 'log', 'done']]);

    const whileWriting = STATES['stopping, writing']!() as Extract<TrainerState, { kind: 'stopping' }>;
    whileWriting.learner.consumed(1, 30);
    expect(kinds(step(whileWriting, written({ accepted: true, version: 1 }), SETTINGS, NOW))).toEqual(['stopping', ['announce', 'report-model', 'log', 'write-checkpoint']]);
  });

  it('a final write that failed is tried again once due, until the grace period ends', () => {
    expect(kinds(step(STATES['stopping, write failed']!(), { kind: 'tick' }, SETTINGS, 5000))).toEqual(['stopping', ['write-checkpoint']]);
  });

  it('gives up after the configured resume attempts, failing the service so its supervisor restarts it', () => {
    const state: TrainerState = { kind: 'resuming', generation: 2, partitions: [0], epoch: undefined, attempt: SETTINGS.resumeAttempts };
    expect(kinds(step(state, { kind: 'resume-failed', generation: 2, error: 'down' }, SETTINGS, NOW))).toEqual(['resuming', ['log', 'fail']]);
  });

  it('fails at once, without retrying, when Redis refused the resume (credentials, ACL)', () => {
    const state: TrainerState = { kind: 'resuming', generation: 2, partitions: [0], epoch: undefined, attempt: 1 };
    const refused = step(state, { kind: 'resume-failed', generation: 2, error: "NOPERM this user has no permissions to run the 'evalsha' command", refused: true }, SETTINGS, NOW);
    expect(refused.effects).toEqual([{ kind: 'fail', message: "NOPERM this user has no permissions to run the 'evalsha' command" }]);
  });

  it('resumes past a corrupt checkpoint from the newest usable one, its next version newer than the corrupt one', () => {
    const t = step(STATES['resuming, epoch taken']!(), { kind: 'checkpoint-loaded', generation: 2, checkpoint: checkpointOf(4), earliest: new Map(), skipped: [{ version: 9, reason: 'non_finite_theta', message: 'NaN' }], versionFloor: 9 }, SETTINGS, NOW);
    const active = t.state as Extract<TrainerState, { kind: 'active' }>;
    expect(active.learner.version).toBe(9);
    expect(active.learner.samples).toBe(40);
    expect(t.effects.slice(0, 2)).toMatchObject([{ kind: 'count', metric: 'corrupt-checkpoint', by: 1 }, { kind: 'log', level: 'error' }]);
  });

  it('with no usable checkpoint at all, waits (not ready, the reason said) instead of training over the model', () => {
    const t = step(STATES['resuming, epoch taken']!(), EVENTS['checkpoint unusable']!(), SETTINGS, NOW);
    expect(t.state).toMatchObject({ kind: 'resuming', attempt: 1, problem: expect.stringContaining('sonar model rollback') });
    expect(t.effects.at(-1)).toEqual({ kind: 'schedule', ms: SETTINGS.unusableRetryMs, event: { kind: 'retry-resume', generation: 2 } });
  });

  it('an optimizer change starts the new optimizer afresh from the checkpoint theta', () => {
    const adamCheckpoint = checkpointOf(3, { hyperparameters: { optimizer: 'adam' } });
    adamCheckpoint.state.theta[1] = 0.5;
    adamCheckpoint.state.step = 300;
    const t = step(STATES['resuming, epoch taken']!(), { kind: 'checkpoint-loaded', generation: 2, checkpoint: adamCheckpoint, earliest: new Map() }, SETTINGS, NOW);
    const active = t.state as Extract<TrainerState, { kind: 'active' }>;
    expect(active.learner.state.step).toBe(0);
    expect(active.learner.state.theta[1]).toBe(0.5);
    expect(effectsOf(t, 'log')[0]).toMatchObject({ level: 'warn', message: expect.stringContaining('optimizer changed') });
  });
});
