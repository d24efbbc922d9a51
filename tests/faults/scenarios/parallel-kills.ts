import { seededRng, shuffleInPlace } from '@sonar/model';
import { decodeGradient } from '@sonar/contracts';
import type { TestContext } from '../../support/context.ts';
import type { FaultRow } from '../support/report.ts';
import { check, Processes, sleep, summary, trainedAll } from './common.ts';
import { eventually, metricValue, plannedTrainable, produceReadings, readTopic } from '@sonar/testkit';

/** Parallel mode: every reading is learnt (a partial batch after 300 ms); a killed member's session ends after 3 s. */
const PARALLEL = {
  TRAIN_OPTIMIZER: 'adam',
  TRAIN_ALPHA: 0.01,
  TRAIN_BATCH_SIZE: 32,
  TRAIN_BATCH_MAX_WAIT_MS: 300,
  TRAIN_CHECKPOINT_INTERVAL_MS: 200,
  TRAINER_SESSION_TIMEOUT_MS: 3000,
  TRAINER_HEARTBEAT_MS: 500,
};

const ROLES = ['applier', 'w1', 'w2', 'w3'] as const;
type Role = (typeof ROLES)[number];

/**
 * Parallel mode on a 6-partition topic: 3 gradient workers and an applier, each
 * killed with kill -9 at a seeded random moment while readings arrive, and
 * restarted. The readings in applied gradients must equal the labeled, non-holdout
 * readings produced, exactly; the committed gradients must cover each reading once;
 * and none may be applied twice.
 */
export async function parallelKills(ctx: TestContext, rounds: number, seed: number): Promise<FaultRow> {
  const processes = new Processes();
  try {
    const plan = { synthetic: 40_000, holdout: 0.1, seed };
    const expected = plannedTrainable(plan);
    const kills = rounds * ROLES.length;
    const producing = produceReadings(ctx.kafka, ctx.topics.readings, { ...plan, rate: Math.round(40_000 / (kills * 3 + 6)) });
    const rng = seededRng(seed);
    const running = new Map<Role, Awaited<ReturnType<Processes['start']>>>();
    const recoveries: number[] = [];
    const start = async (role: Role) => {
      const env = role === 'applier' ? { ...PARALLEL, TRAINER_ROLE: 'applier' } : { ...PARALLEL, TRAINER_ROLE: 'worker', TRAINER_WORKER_ID: role };
      running.set(role, await processes.start(ctx, 'trainer', env, ctx.model, role));
    };
    for (const role of ROLES) await start(role);

    // Each round kills every role once, in a seeded order, at seeded moments.
    const order: Role[] = [];
    for (let r = 0; r < rounds; r++) order.push(...shuffleInPlace([...ROLES], rng));
    for (const role of order) {
      await sleep(1000 + rng() * 2000);
      const victim = running.get(role)!;
      victim.proc.signal('SIGKILL');
      await victim.proc.exited;
      const restarted = Date.now();
      await start(role);
      const { url } = running.get(role)!;
      await eventually(async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.ok, 60_000, `${role} to be ready again`);
      recoveries.push(Date.now() - restarted);
    }
    await producing;
    const checkpoint = await trainedAll(ctx, expected);
    await sleep(2000);
    const final = await trainedAll(ctx, expected);

    // What the workers committed: each reading in one gradient, none in two.
    const records = await readTopic(ctx.kafka, ctx.topics.gradients, { idleMs: 3000, readCommitted: true });
    const ranges = new Map<number, [number, number][]>();
    let committedReadings = 0;
    for (const record of records) {
      const decoded = decodeGradient(record.value);
      if (!decoded.ok) throw new Error(`a committed gradient does not decode: ${decoded.message}`);
      const { partition, fromOffset, toOffset, n } = decoded.value;
      ranges.set(partition, [...(ranges.get(partition) ?? []), [fromOffset, toOffset]]);
      committedReadings += n;
    }
    let overlaps = 0;
    for (const list of ranges.values()) {
      list.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < list.length; i++) if (list[i]![0] <= list[i - 1]![1]) overlaps += 1;
    }
    const applier = running.get('applier')!;
    const repeats = await metricValue(applier.port, 'sonar_trainer_gradient_repeats_total');
    check(checkpoint.samples === expected, `readings in applied gradients ${checkpoint.samples} = ${expected} labeled, non-holdout readings produced`);
    check(final.samples === expected, `still ${expected} two seconds later: nothing applied twice (${final.samples})`);
    check(overlaps === 0, `committed gradients cover each reading once (${overlaps} overlapping ranges)`);
    check(committedReadings === expected, `readings in committed gradients ${committedReadings} = ${expected}`);
    check(checkpoint.hyperparameters.mode === 'parallel', 'trained in parallel mode');
    return {
      fault: 'parallel training kill -9',
      injected: `${kills} kills of 3 gradient workers and the applier on 6 partitions (each killed ${rounds}×, seeded order and moments, seed ${seed}), each restarted at once, in ${expected.toLocaleString('en-US')} labeled readings`,
      recovery: `restart to ready (joined its group): ${summary(recoveries)}`,
      held: `readings in applied gradients ${final.samples} = ${expected} labeled, non-holdout produced; ${records.length} committed gradients, 0 overlapping, ${committedReadings} readings in them; repeats skipped by the last applier: ${repeats}; nothing applied twice`,
    };
  } finally {
    await processes.stopAll();
  }
}
