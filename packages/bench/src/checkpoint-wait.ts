// What waiting for the replica costs a checkpoint: the store's commit with and without
// REDIS_WAIT_REPLICAS=1, against the HA stack's Redis, connected as the trainer would be
// with the settings of `sonar stack env --ha --service trainer` (through the Sentinels).
//
//   pnpm sonar stack up --ha && pnpm bench:wait [commits per round]
//
// Rounds alternate between the two settings, so that a busy moment of the machine falls on
// both; each commit is one Adam checkpoint of the Sonar model (61 weights, two moment
// vectors, three partitions' offsets), written one after another as the trainer does.
import { THETA_LENGTH } from '@sonar/contracts';
import { initialState } from '@sonar/model';
import { createLogger, redisConnection, redisReplication } from '@sonar/runtime';
import { HaStack, stackConfig } from '@sonar/stack';
import { CheckpointStore, connectRedis, type Checkpoint, type Replication } from '@sonar/store';
import { loadTrainerConfig } from '@sonar/trainer';

const COMMITS = Number(process.argv[2] ?? 2000);
const ROUNDS = 4;
const WARM_UP = 200;
const config = loadTrainerConfig(await new HaStack(stackConfig().ha).serviceEnv('trainer'));
const waiting = redisReplication(config);
const SETTINGS: Record<string, Replication> = {
  'no WAIT': { replicas: 0, timeoutMs: 0 },
  [`WAIT ${waiting.replicas} ${waiting.timeoutMs}`]: waiting,
};
const redis = connectRedis(redisConnection(config), createLogger('bench', 'warn'), 'checkpoint-wait-bench');
const model = `bench-wait-${process.pid}`;
const prefix = 'bench';
let version = 0;

function checkpoint(): Checkpoint {
  version += 1;
  return {
    model,
    version,
    state: initialState({ optimizer: 'adam', alpha: 0.01 }, THETA_LENGTH),
    cost: 0.5,
    accuracy: 0.8,
    samples: version * 32,
    batches: version,
    topic: 'sonar.readings',
    offsets: { 0: String(version * 11), 1: String(version * 10), 2: String(version * 11) },
    updatedAt: Date.now(),
    hyperparameters: { optimizer: 'adam', alpha: 0.01 },
  };
}

/** Milliseconds of each commit. */
async function round(store: CheckpointStore, epoch: number, commits: number): Promise<{ times: number[]; unreplicated: number }> {
  const times: number[] = [];
  let unreplicated = 0;
  for (let i = 0; i < commits; i++) {
    const started = process.hrtime.bigint();
    const result = await store.commit(checkpoint(), epoch);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (!result.accepted) throw new Error(`commit refused: ${result.reason}`);
    if (result.unreplicated) unreplicated += 1;
  }
  return { times, unreplicated };
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

try {
  const stores = Object.fromEntries(Object.entries(SETTINGS).map(([name, replication]) => [name, new CheckpointStore(redis, model, prefix, 100, replication)]));
  const epoch = await Object.values(stores)[0]!.takeEpoch();
  for (const store of Object.values(stores)) await round(store, epoch, WARM_UP);
  const results = Object.fromEntries(Object.keys(SETTINGS).map((name) => [name, { times: [] as number[], unreplicated: 0 }]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, store] of Object.entries(stores)) {
      const { times, unreplicated } = await round(store, epoch, COMMITS / ROUNDS);
      results[name]!.times.push(...times);
      results[name]!.unreplicated += unreplicated;
    }
  }
  process.stdout.write(`checkpoint commits through Sentinel, ${COMMITS} per setting, one at a time\n`);
  for (const [name, { times, unreplicated }] of Object.entries(results)) {
    const sorted = [...times].sort((a, b) => a - b);
    const mean = times.reduce((sum, t) => sum + t, 0) / times.length;
    const row = [`p50 ${quantile(sorted, 0.5).toFixed(3)} ms`, `p99 ${quantile(sorted, 0.99).toFixed(3)} ms`, `max ${sorted.at(-1)!.toFixed(2)} ms`, `mean ${mean.toFixed(3)} ms`];
    process.stdout.write(`  ${name.padEnd(12)} ${row.join('   ')}   not acknowledged in time: ${unreplicated}\n`);
  }
} finally {
  await new CheckpointStore(redis, model, prefix).destroy();
  redis.disconnect();
}
