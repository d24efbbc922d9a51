import type { TestContext } from '../../support/context.ts';
import { ZOMBIE_SETTINGS, zombieTakeover } from '../../support/zombie.ts';
import type { FaultRow } from '../support/report.ts';
import { check, Processes } from './common.ts';

/**
 * SIGSTOP the active trainer past its session timeout while a standby takes over,
 * then SIGCONT it: its checkpoint writes are rejected and the stored model stays the successor's.
 */
export async function zombieTrainer(ctx: TestContext): Promise<FaultRow> {
  const processes = new Processes();
  try {
    const zombie = await zombieTakeover(ctx, (label) => processes.start(ctx, 'trainer', ZOMBIE_SETTINGS, ctx.model, label));
    const { takeover, since, rejected } = zombie;
    const onlySuccessor = since.length > 1 && since.every((c) => c.epoch === takeover.epoch);
    check(zombie.epochAfterJoin === zombie.epochOfA, 'the active trainer kept its epoch when the standby joined');
    check(rejected >= 1, 'the zombie had its writes rejected');
    check(onlySuccessor, "every checkpoint since the takeover is the successor's");
    return {
      fault: 'zombie trainer',
      injected: 'SIGSTOP of the active trainer past its 3 s session timeout, SIGCONT after the standby took over',
      recovery: `standby checkpointed ${(zombie.takeoverMs / 1000).toFixed(1)} s after the pause`,
      held: `${rejected} stale write(s) rejected (fenced); all ${since.length} checkpoints since the takeover carry the successor's epoch ${takeover.epoch}`,
    };
  } finally {
    await processes.stopAll();
  }
}
