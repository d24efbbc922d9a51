import type { TestContext } from '../../support/context.ts';
import { inSync, kill9 } from '../../support/ha.ts';
import type { FaultHa } from '../support/ha-stack.ts';
import type { FaultRow } from '../support/report.ts';
import { check, Processes } from './common.ts';
import { eventually, sonarRows } from '@sonar/testkit';

const ACK_TIMEOUT_MS = 3000;

interface Outage {
  refused: number[];
  slowestMs: number;
  brokerUpMs: number;
  recoveryMs: number;
  refusedMeanwhile: number;
}

/**
 * On the HA stack, two brokers of three down, twice: both crashed at once (kill -9; the last
 * voter has no quorum, so no ISR shrinks and acks=all goes unanswered), then with the ISR
 * shrunk below min.insync.replicas (broker 3 still down, broker 2 stopped: the broker refuses
 * with NOT_ENOUGH_REPLICAS). Each time ingest answers 503 rather than accept what it cannot
 * make durable, and the same process accepts again by itself once broker 2 is back.
 */
export async function haBelowMinIsr(ctx: TestContext, ha: FaultHa): Promise<FaultRow> {
  const processes = new Processes();
  let requests = 0;
  const post = async (url: string) => {
    const n = requests++;
    const rows = sonarRows().slice(0, 20);
    const body = JSON.stringify(rows.map((row, i) => ({ id: `isr-${n}-${i}`, features: Array.from(row.features), label: row.label, ts: Date.now() })));
    const response = await fetch(`${url}/readings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await response.body?.cancel();
    return response.status;
  };
  try {
    const ingest = await processes.start(ctx, 'ingest', { ...ha.serviceEnv('ingest'), INGEST_ACK_TIMEOUT_MS: ACK_TIMEOUT_MS });
    await eventually(async () => (await fetch(`${ingest.url}/readyz`)).ok, 60_000, 'ingest');
    check((await post(ingest.url)) === 202, 'ingest accepts with all three brokers up');
    const [, node2, node3] = ha.stack.kafkaNodes();

    /** Two posts while down: 503 each, within the ack timeout and a margin; then broker 2 back, and posts until one is accepted. */
    const outage = async (what: string): Promise<Outage> => {
      const refused: number[] = [];
      let slowestMs = 0;
      for (let i = 0; i < 2; i++) {
        const started = Date.now();
        refused.push(await post(ingest.url));
        slowestMs = Math.max(slowestMs, Date.now() - started);
      }
      check(refused.every((status) => status === 503), `${what}: ingest answers 503 (${refused.join(', ')})`);
      check(slowestMs <= ACK_TIMEOUT_MS + 2000, `${what}: each 503 within ${ACK_TIMEOUT_MS} ms and a margin (slowest ${slowestMs} ms)`);
      const restarted = Date.now();
      await node2!.up(() => undefined);
      const brokerUpMs = Date.now() - restarted;
      const statuses: number[] = [];
      await eventually(async () => {
        statuses.push(await post(ingest.url));
        return statuses.at(-1) === 202;
      }, 60_000, `${what}: ingest to accept again after broker 2 returned`);
      const recoveryMs = Date.now() - restarted;
      check(ingest.proc.child.exitCode === null && ingest.proc.child.signalCode === null, `${what}: the same ingest process, never restarted`);
      return { refused, slowestMs, brokerUpMs, recoveryMs, refusedMeanwhile: statuses.length - 1 };
    };

    await Promise.all([kill9(node2!.pid, 'broker 2'), kill9(node3!.pid, 'broker 3')]);
    const crashed = await outage('brokers 2 and 3 killed at once');
    await inSync(ctx.admin, ctx.topics.readings, [1, 2]);
    check((await post(ingest.url)) === 202, 'ingest accepts with one broker down');
    await node2!.down(() => undefined);
    await inSync(ctx.admin, ctx.topics.readings, [1]);
    const belowMin = await outage('ISR down to broker 1');
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const recovery = (o: Outage) => `broker 2 serving in ${s(o.brokerUpMs)}, ingest accepting ${s(o.recoveryMs)} after its start (${o.refusedMeanwhile} refused meanwhile)`;
    return {
      fault: 'HA: two brokers down',
      injected: `brokers 2 and 3 SIGKILL at once (no quorum); then, broker 3 still down, broker 2 stopped: ISR of the readings partition broker 1 alone, below min.insync.replicas 2`,
      recovery: `both killed: ${recovery(crashed)}; below min ISR: ${recovery(belowMin)}`,
      held: `${crashed.refused.length + belowMin.refused.length} of ${crashed.refused.length + belowMin.refused.length} requests answered 503 while two brokers were down (slowest ${s(Math.max(crashed.slowestMs, belowMin.slowestMs))}, ack timeout ${s(ACK_TIMEOUT_MS)}); accepted again each time without restarting ingest`,
    };
  } finally {
    await processes.stopAll();
    await ha.whole();
  }
}
