import type { TestContext } from '../../support/context.ts';
import { inSync, kill9 } from '../../support/ha.ts';
import type { FaultHa } from '../support/ha-stack.ts';
import type { FaultRow } from '../support/report.ts';
import { check, Processes } from './common.ts';
import { eventually, sonarRows } from '@sonar/testkit';

const ACK_TIMEOUT_MS = 3000;

/**
 * On the HA stack, two brokers down at once (one killed, one stopped: with both crashed the
 * last voter has no quorum to shrink the ISR): below min.insync.replicas ingest answers 503
 * rather than accept what it cannot make durable, and accepts again by itself once a broker
 * is back.
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
    await kill9(node3!.pid, 'broker 3');
    await inSync(ctx.admin, ctx.topics.readings, [1, 2]);
    check((await post(ingest.url)) === 202, 'ingest accepts with one broker down');
    await node2!.down(() => undefined);
    await inSync(ctx.admin, ctx.topics.readings, [1]);

    // Below min ISR: each request answered 503, within the acknowledgement timeout and a margin.
    const refused: { status: number; ms: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      refused.push({ status: await post(ingest.url), ms: Date.now() - started });
    }
    const slowest = Math.max(...refused.map((r) => r.ms));
    check(refused.every((r) => r.status === 503), `ingest answers 503 below min ISR (${refused.map((r) => r.status).join(', ')})`);
    check(slowest <= ACK_TIMEOUT_MS + 2000, `each 503 within ${ACK_TIMEOUT_MS} ms and a margin (slowest ${slowest} ms)`);

    const restarted = Date.now();
    await node2!.up(() => undefined);
    const brokerUpMs = Date.now() - restarted;
    let statuses: number[] = [];
    await eventually(async () => {
      statuses.push(await post(ingest.url));
      return statuses.at(-1) === 202;
    }, 60_000, 'ingest to accept again after a broker returned');
    const recoveryMs = Date.now() - restarted;
    check(ingest.proc.child.exitCode === null && ingest.proc.child.signalCode === null, 'the same ingest process, never restarted');
    for (let i = 0; i < 3; i++) check((await post(ingest.url)) === 202, 'ingest keeps accepting');
    statuses = statuses.slice(0, -1);
    return {
      fault: 'HA: two brokers down (below min ISR)',
      injected: `broker 3 SIGKILL, broker 2 stopped; ISR of the readings partition down to broker 1 alone (min.insync.replicas 2)`,
      recovery: `broker 2 started again (${(brokerUpMs / 1000).toFixed(1)} s to serve), the same ingest accepting ${(recoveryMs / 1000).toFixed(1)} s after the start (${statuses.length} refused meanwhile)`,
      held: `${refused.length} of ${refused.length} requests below min ISR answered 503 (slowest ${(slowest / 1000).toFixed(1)} s, ack timeout ${ACK_TIMEOUT_MS / 1000} s); accepted again without restarting ingest`,
    };
  } finally {
    await processes.stopAll();
    await ha.whole();
  }
}
