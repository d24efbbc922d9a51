import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The node id of the active controller, as the quorum reports it, or undefined when there is none
 * (no majority of voters up). kafkajs has no DescribeQuorum, and brokers name a random live
 * broker as "the controller" in their metadata (KIP-590), so this asks Kafka's own tool: a JVM
 * start of about 3 s, for `sonar stack status` only.
 */
export async function activeController(libDir: string, controllers: string[]): Promise<number | undefined> {
  try {
    const { stdout } = await run(
      'java',
      ['-Xmx128m', '-XX:TieredStopAtLevel=1', '-cp', join(libDir, '*'), 'org.apache.kafka.tools.MetadataQuorumCommand', '--bootstrap-controller', controllers.join(','), 'describe', '--status'],
      { timeout: 15_000 },
    );
    const leader = /^LeaderId:\s+(-?\d+)/m.exec(stdout)?.[1];
    return leader === undefined || Number(leader) < 0 ? undefined : Number(leader);
  } catch {
    return undefined;
  }
}
