import { Command } from 'commander';
import { relative } from 'node:path';
import { topicsFrom } from '@sonar/contracts';
import { checkBrokerTls, createKafka } from '@sonar/kafka';
import { kafkaConnection } from '@sonar/runtime';
import {
  composeFilesDir,
  LocalStack,
  provisionDeployment,
  repoRoot,
  SECURE_SERVICES,
  writeComposeFiles,
  type ComponentStatus,
  type SecureService,
} from '@sonar/stack';
import { commandEnv, commandLogger } from '../env.ts';

const say = (message: string) => process.stderr.write(`${message}\n`);

export function stackCommand(): Command {
  const stack = new Command('stack').description('the local stack on 127.0.0.1: Kafka (KRaft, from Maven), Redis, Prometheus; --secure or --ha for the other stacks');
  stack
    .command('up')
    .description('start what is not running yet (reusing what already answers) and wait until it is ready')
    .option('--no-prometheus', 'do not start Prometheus')
    .option('--secure', 'Kafka with SASL_SSL (SCRAM-SHA-512) and ACLs per service, Redis with TLS and ACL users, on their own ports')
    .option('--ha', 'three Kafka brokers (one KRaft quorum, replication 3, min ISR 2), Redis with a replica and three Sentinels, on their own ports')
    .action(async (options: { prometheus: boolean; secure?: boolean; ha?: boolean }) => {
      if (options.secure && options.ha) throw new Error('--secure and --ha are separate stacks: one at a time');
      const started = Date.now();
      const statuses = await new LocalStack().up(say, { prometheus: options.prometheus, secure: options.secure, ha: options.ha });
      printStatus(statuses);
      say(`stack up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });
  stack
    .command('down')
    .description('stop every process the stack started (leaves alone what it reused)')
    .action(async () => {
      await new LocalStack().down(say);
      say('stack down');
    });
  stack
    .command('env')
    .description("print a service's connection settings as shell exports: eval \"$(sonar stack env --secure --service trainer)\" (or --ha)")
    .requiredOption('--service <name>', `one of ${SECURE_SERVICES.join(', ')} (admin: the operator's, for produce, tail, model)`)
    .option('--secure', 'of the secured stack (its passwords come from the credentials file in the stack home)')
    .option('--ha', 'of the HA stack (Redis through its Sentinels; for admin, the primary now)')
    .action(async (options: { service: string; secure?: boolean; ha?: boolean }) => {
      if (!SECURE_SERVICES.includes(options.service as SecureService)) throw new Error(`--service must be one of ${SECURE_SERVICES.join(', ')}`);
      const stack = new LocalStack();
      const env = options.ha
        ? await stack.ha.serviceEnv(options.service as SecureService)
        : options.secure
          ? stack.secure.serviceEnv(options.service as SecureService)
          : { KAFKA_BROKERS: stack.config.kafkaBrokers.join(','), REDIS_URL: stack.config.redisUrl };
      for (const [name, value] of Object.entries(env)) process.stdout.write(`export ${name}=${shellQuoted(value)}\n`);
    });
  stack
    .command('compose-files')
    .description('write what `docker compose --profile secured` mounts into .sonar/compose-secured: a CA and certificate, passwords, the broker\'s and Redis\' configuration')
    .action(async () => {
      const dir = composeFilesDir();
      const { envFile } = await writeComposeFiles(dir, process.env.REDIS_PREFIX ?? 'sonar', say);
      say(`written to ${dir} (the passwords in ${envFile}, mode 0600); then:`);
      say(`  docker compose --env-file ${relative(repoRoot(), envFile)} --profile secured up --build -d ingest-secured trainer-secured scorer-secured`);
    });
  stack
    .command('grant')
    .description("create the deployment's topics and the services' ACLs on a secured broker, as the admin principal of KAFKA_SASL_* (the compose profile `secured` runs it)")
    .action(async () => {
      const env = commandEnv();
      const connection = kafkaConnection(env);
      const admin = createKafka(connection, 'sonar-grant', commandLogger('grant', env)).admin();
      await checkBrokerTls(connection);
      await admin.connect();
      try {
        const topics = topicsFrom(env);
        await provisionDeployment(admin, topics, env.TOPIC_PARTITIONS, env.TOPIC_REPLICATION);
      } finally {
        await admin.disconnect();
      }
      say(`topics ${Object.values(topicsFrom(env)).join(', ')} and the ACLs of ingest, trainer and scorer in place`);
    });
  stack
    .command('status')
    .description('what runs where')
    .action(async () => printStatus(await new LocalStack().status()));
  return stack;
}

function shellQuoted(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

function printStatus(statuses: ComponentStatus[]): void {
  const rows = statuses.map((s) => [s.name, s.state + (s.pid ? ` (pid ${s.pid})` : ''), s.address, s.detail]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) {
    process.stdout.write(`${row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join('  ')}\n`);
  }
}
