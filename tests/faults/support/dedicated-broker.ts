import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, isAlive, KafkaBroker, sonarHome, stackConfig } from '@sonar/stack';

/**
 * A Kafka broker of its own (other ports, other data folder, the stack's jars),
 * so the suite can kill -9 it without disturbing anything else.
 */
export class DedicatedBroker {
  private constructor(
    private readonly broker: KafkaBroker,
    private readonly home: string,
    readonly brokers: string[],
  ) {}

  static async start(): Promise<DedicatedBroker> {
    const home = mkdtempSync(join(tmpdir(), 'sonar-fault-broker-'));
    const brokers = [`127.0.0.1:${await freePort()}`];
    const config = {
      ...stackConfig(),
      home,
      kafkaBrokers: brokers,
      kafkaControllerPort: await freePort(),
      kafkaHeap: '-Xms256m -Xmx512m',
      kafkaLibDir: join(sonarHome(), 'kafka', 'lib'),
    };
    const broker = new KafkaBroker(config);
    await broker.up(() => undefined);
    return new DedicatedBroker(broker, home, brokers);
  }

  /** SIGKILL, as a crash would: no controlled shutdown. */
  async kill9(): Promise<void> {
    const pid = this.broker.pid;
    if (pid === undefined) throw new Error('dedicated broker is not running');
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(20);
  }

  /** Starts it again on the same data; resolves once it serves consumer groups. Returns the time it took. */
  async restart(): Promise<number> {
    const started = Date.now();
    await this.broker.up(() => undefined);
    return Date.now() - started;
  }

  async stop(): Promise<void> {
    await this.broker.down(() => undefined);
    rmSync(this.home, { recursive: true, force: true });
  }
}
