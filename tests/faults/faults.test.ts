import { afterAll, beforeAll, describe, it } from 'vitest';
import { testScope } from '../support/scope.ts';
import { FaultReport, HA, LONG, MODE } from './support/report.ts';
import { trainerKills, trainerKillsPartitioned } from './scenarios/trainer-kills.ts';
import { zombieTrainer } from './scenarios/zombie.ts';
import { epochSetBack } from './scenarios/epoch-setback.ts';
import { brokerRestart } from './scenarios/broker-restart.ts';
import { redisRestart } from './scenarios/redis-restart.ts';
import { scorerKills } from './scenarios/scorer-kills.ts';
import { badInputFlood } from './scenarios/flood.ts';
import { parallelKills } from './scenarios/parallel-kills.ts';
import { FaultHa } from './support/ha-stack.ts';
import { haLeaderKill } from './scenarios/ha-leader-kill.ts';
import { haBelowMinIsr } from './scenarios/ha-below-min-isr.ts';
import { haSentinelFailover } from './scenarios/ha-sentinel-failover.ts';
import { oversizedRecords } from './scenarios/oversized.ts';
import { deadLettersRefused } from './scenarios/dead-letters-refused.ts';
import { redisPause } from './scenarios/redis-pause.ts';
import { kafkaOutage } from './scenarios/kafka-outage.ts';
import { corruptCheckpoints } from './scenarios/corrupt-checkpoints.ts';
import { sigtermStates } from './scenarios/sigterm.ts';

// The services run as separate processes on loopback, as in production; each
// scenario injects a fault and checks an invariant. SONAR_FAULTS=long runs the long
// form; SONAR_FAULTS_SEED changes the random moments (the report gives the seed).
const SEED = Number(process.env.SONAR_FAULTS_SEED ?? 2026);
const report = new FaultReport();
const scope = testScope();
const context = (name: string, partitions = 1) => scope.context(name, partitions);

afterAll(() => {
  report.write(MODE);
});

describe(`fault injection (${MODE})`, () => {
  const runs = LONG ? 20 : 1;
  it.each(Array.from({ length: runs }, (_, run) => run))('trainer kill -9 at random moments, run %i', async (run) => {
    report.add(await trainerKills(await context(`fault-kill-${run}`), LONG ? 5 : 3, SEED + run));
  });

  it('trainer kill -9 on 3 partitions: samples exact, every offset applied once', async () => {
    report.add(await trainerKillsPartitioned(await context('fault-kill-partitions', 3), 3, LONG ? 5 : 3, SEED));
  });

  it('zombie trainer: paused past its session, fenced when it comes back', async () => {
    report.add(await zombieTrainer(await context('fault-zombie')));
  });

  it('fencing epoch set back, then deleted, in Redis while the trainer runs', async () => {
    report.add(await epochSetBack(await context('fault-epoch'), SEED));
  });

  it('broker kill -9 and restart mid-run', async () => {
    report.add(await brokerRestart(SEED));
  });

  it.each(['aof-always', 'none'] as const)('redis restart mid-run (%s)', async (persistence) => {
    report.add(await redisRestart(persistence, SEED));
  });

  it.each([false, true])('scorer kill -9 (exactly once: %s)', async (exactlyOnce) => {
    report.add(await scorerKills(await context(`fault-scorer-${exactlyOnce ? 'eos' : 'alo'}`, 3), exactlyOnce, LONG ? 5 : 2, SEED));
  });

  it('parallel training: 3 workers and the applier killed with kill -9 and restarted', async () => {
    report.add(await parallelKills(await context('fault-parallel', 6), LONG ? 3 : 1, SEED));
  });

  it('bad-input flood: 10,000 malformed among 100,000 valid readings', async () => {
    report.add(await badInputFlood(await scope.context('fault-flood', 0), SEED));
  });

  it('oversized records: 5 MB gzip-compressed, and one a few hundred bytes under the topic limit', async () => {
    report.add(await oversizedRecords(await scope.context('fault-oversized', 0), SEED));
  });

  it('dead-letter topic refuses writes mid-stream: trainer, scorer at least once and exactly once', async () => {
    report.add(await deadLettersRefused(await context('fault-dlq-refused'), SEED));
  });

  it('redis paused (SIGSTOP) past the command timeout, then continued', async () => {
    report.add(await redisPause(SEED));
  });

  // The long form keeps the broker away for a minute; the short one for 20 s.
  it(`kafka away for ${LONG ? 60 : 20} s while clients post to ingest and retry`, async () => {
    report.add(await kafkaOutage(LONG ? 60_000 : 20_000, SEED));
  });

  it('corrupt checkpoints written by hand: wrong theta length, a NaN in theta, an unreadable optimizer state', async () => {
    report.add(await corruptCheckpoints(await context('fault-corrupt'), SEED));
  });

  it('SIGTERM to each service in each of its states: starting, before joining its group, before its first model, mid-batch', async () => {
    report.add(await sigtermStates(SEED));
  });

  // One HA stack for these: three KRaft brokers, Redis with a replica and three Sentinels. Started only
  // in the long form or with SONAR_FAULTS=ha (`pnpm test:faults:ha`): it adds some four minutes.
  describe.runIf(HA)('on the HA stack', () => {
    let ha: FaultHa;
    const haContext = (name: string, partitions = 1) => scope.context(name, partitions, ha.target());
    beforeAll(async () => {
      ha = await FaultHa.start();
      process.stdout.write(`[faults] HA stack up in ${(ha.upMs / 1000).toFixed(1)} s\n`);
    });
    afterAll(async () => {
      await ha?.stop();
    });

    it('HA: the readings partition leader killed with kill -9 mid-stream, then restarted', async () => {
      report.add(await haLeaderKill(await haContext('fault-ha-leader'), ha, SEED));
    });

    it('HA: two brokers down (both killed at once; below min ISR): ingest answers 503, and accepts again by itself', async () => {
      report.add(await haBelowMinIsr(await haContext('fault-ha-isr'), ha));
    });

    it('HA: Redis primary killed with kill -9 mid-training, Sentinel promotes the replica', async () => {
      report.add(await haSentinelFailover(await haContext('fault-ha-sentinel'), ha, SEED));
    });
  });
});
