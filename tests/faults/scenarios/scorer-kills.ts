import { seededRng } from '@sonar/model';
import type { TestContext } from '../../support/context.ts';
import type { FaultRow } from '../support/report.ts';
import { check, Processes, sleep } from './common.ts';
import { fittedTheta, metricValue, produceReadings, readTopic, writeModel } from '@sonar/testkit';

/** kill -9 the scorer during a stream: every reading still gets an event; with transactions, exactly one. */
export async function scorerKills(ctx: TestContext, exactlyOnce: boolean, kills: number, seed: number): Promise<FaultRow> {
  const processes = new Processes();
  const settings = { SCORER_EXACTLY_ONCE: exactlyOnce, SCORER_SESSION_TIMEOUT_MS: 6000, SCORER_HEARTBEAT_MS: 1000 };
  try {
    await writeModel(ctx, { version: 1, theta: fittedTheta() });
    const producing = produceReadings(ctx.kafka, ctx.topics.readings, { synthetic: 30_000, rate: 4000, seed });
    const rng = seededRng(seed);
    for (let k = 0; k < kills; k++) {
      const { proc } = await processes.start(ctx, 'scorer', settings);
      await sleep(1500 + rng() * 2000);
      proc.signal('SIGKILL');
      await proc.exited;
    }
    const last = await processes.start(ctx, 'scorer', settings);
    const sent = await producing;
    const events = await readTopic(ctx.kafka, ctx.topics.classified, { count: sent, readCommitted: true, timeoutMs: 120_000 });
    const ids = events.map((m) => (JSON.parse(m.value!.toString()) as { id: string }).id);
    const distinct = new Set(ids).size;
    const duplicates = ids.length - distinct;
    const everyOne = distinct === sent;
    check(everyOne, `every reading has an event (${distinct} of ${sent})`);
    if (exactlyOnce) check(duplicates === 0, `exactly one event per reading (${duplicates} duplicates)`);
    const transactions = exactlyOnce ? await metricValue(last.port, 'sonar_scorer_transactions_total', { outcome: 'committed' }) : 0;
    return {
      fault: `scorer kill -9 (${exactlyOnce ? 'exactly once' : 'at least once'})`,
      injected: `${kills} kills at seeded random moments (seed ${seed}) of a 30,000-reading stream at 4000/s`,
      held: `${distinct.toLocaleString('en-US')} of ${sent.toLocaleString('en-US')} readings classified; ${duplicates} duplicate events seen by a read_committed consumer${exactlyOnce ? ` (${transactions} transactions committed by the last scorer)` : ' (allowed at least once)'}`,
    };
  } finally {
    await processes.stopAll();
  }
}
