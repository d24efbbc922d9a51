import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { DEFAULT_PORTS, METRICS } from '@sonar/contracts';
import { COMPOSE_HOSTS, composeFilesDir, MOUNTED, parseProperties, which, writeComposeFiles } from '@sonar/stack';

// The container and observability files cannot be run here (no Docker), so they are checked
// statically: every file they name exists, every port of the contract is published, the
// dashboard queries the contract's metrics, and promtool validates the Prometheus files
// (and unit-tests the alerting rules) when it is installed.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const text = (path: string): string => readFileSync(join(root, path), 'utf8');
const yamlOf = <T>(path: string): T => parse(text(path)) as T;
const exists = (path: string): boolean => existsSync(join(root, path));

// ---------------------------------------------------------------------------------------------
// docker-compose.yml

type Environment = Record<string, string | number | boolean | null> | string[];
interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  environment?: Environment;
  ports?: (string | number | { target: number; published?: string | number; host_ip?: string })[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
}
interface Compose {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

// Its gradient workers share one definition through YAML merge keys, as compose reads them.
const compose = parse(text('docker-compose.yml'), { merge: true }) as Compose;

// What `sonar stack compose-files` writes for the profile `secured`, made here in a folder of the
// test's own: the compose file mounts it from .sonar/compose-secured, which the test does not touch.
const GENERATED = posix.relative(root, composeFilesDir());
const generatedDir = mkdtempSync(join(tmpdir(), 'sonar-compose-secured-'));
await writeComposeFiles(generatedDir, 'sonar', () => undefined);
afterAll(() => rmSync(generatedDir, { recursive: true, force: true }));
/** A mount source, in the repository or, for the generated files, in the test's folder. */
const onDisk = (source: string): string => {
  const normal = posix.normalize(source);
  return normal.startsWith(`${GENERATED}/`) ? join(generatedDir, normal.slice(GENERATED.length + 1)) : join(root, normal);
};
const REQUIRED_SERVICES = ['kafka', 'redis', 'prometheus', 'grafana', 'ingest', 'trainer', 'scorer'];
const APP_SERVICES = [
  { name: 'ingest', port: 9100, host: 'INGEST_HOST', portVar: 'INGEST_PORT' },
  { name: 'trainer', port: 9101, host: 'TRAINER_HOST', portVar: 'TRAINER_PORT' },
  { name: 'scorer', port: 9102, host: 'SCORER_HOST', portVar: 'SCORER_PORT' },
] as const;

function service(name: string): ComposeService {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

function environment(svc: ComposeService): Record<string, string> {
  const env = svc.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => {
      const at = entry.indexOf('=');
      return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
    }));
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

/** Host ports a service publishes, from the short ("[ip:]host:container[/proto]") or long syntax. */
function publishedPorts(svc: ComposeService): number[] {
  return (svc.ports ?? []).flatMap((port) => {
    if (typeof port === 'object') return port.published === undefined ? [] : [Number(port.published)];
    const parts = String(port).replace(/\/(tcp|udp)$/, '').split(':');
    return parts.length >= 2 ? [Number(parts[parts.length - 2])] : [];
  });
}

interface Mount { source: string; target: string; bind: boolean }
function mounts(svc: ComposeService): Mount[] {
  return (svc.volumes ?? []).map((volume) => {
    if (typeof volume === 'object') {
      const source = volume.source ?? '';
      return { source, target: volume.target, bind: volume.type === 'bind' };
    }
    const [source = '', target = ''] = volume.split(':');
    return { source, target, bind: source.startsWith('.') || source.startsWith('/') };
  });
}

function dependencies(svc: ComposeService): Record<string, string | undefined> {
  const deps = svc.depends_on ?? [];
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, undefined]));
  return Object.fromEntries(Object.entries(deps).map(([name, dep]) => [name, dep.condition]));
}

function kafkaVersion(): string {
  const match = /<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/.exec(text('infra/kafka/pom.xml'));
  if (!match?.[1]) throw new Error('infra/kafka/pom.xml has no <kafka.version>');
  return match[1];
}

/** Grafana's file provider: where it reads dashboards inside the container. */
interface ProviderFile { apiVersion: number; providers: { name: string; type?: string; options: { path: string } }[] }
interface DatasourceFile { apiVersion: number; datasources: { name: string; uid?: string; type: string; url: string; isDefault?: boolean }[] }

describe('docker-compose.yml', () => {
  it('defines every service of the stack', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(REQUIRED_SERVICES));
  });

  it('publishes every port of the contract to the host', () => {
    const kafka = publishedPorts(service('kafka'));
    expect(kafka.includes(9092) || kafka.includes(9094), `kafka publishes ${kafka.join(', ')}`).toBe(true);
    expect(publishedPorts(service('redis'))).toContain(6379);
    expect(publishedPorts(service('prometheus'))).toContain(9090);
    expect(publishedPorts(service('grafana'))).toContain(3000);
    for (const app of APP_SERVICES) expect(publishedPorts(service(app.name))).toContain(app.port);
  });

  it('runs the Kafka image of the version the local broker uses (infra/kafka/pom.xml)', () => {
    expect(service('kafka').image).toBe(`apache/kafka:${kafkaVersion()}`);
  });

  it('configures a single-node KRaft broker reachable from the containers and from the host', () => {
    const kafka = service('kafka');
    const env = environment(kafka);
    expect(env.KAFKA_PROCESS_ROLES?.split(',').sort()).toEqual(['broker', 'controller']);
    expect(env.KAFKA_NODE_ID).toBeTruthy();
    expect(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe('1');
    expect(env.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR).toBe('1');
    expect(env.KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS).toBe('0');
    expect(env.KAFKA_NUM_PARTITIONS).toBe('3');

    const listeners = (value = '') => new Map(value.split(',').map((l) => {
      const match = /^([A-Z_]+):\/\/([^:]*):(\d+)$/.exec(l.trim());
      if (!match) throw new Error(`cannot read listener ${l}`);
      return [match[1]!, { host: match[2]!, port: Number(match[3]) }];
    }));
    const bound = listeners(env.KAFKA_LISTENERS);
    const advertised = listeners(env.KAFKA_ADVERTISED_LISTENERS);
    const protocols = new Set((env.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP ?? '').split(',').map((pair) => pair.split(':')[0]));
    for (const name of bound.keys()) expect(protocols, `listener ${name} has a security protocol`).toContain(name);

    // In-compose clients: kafka:9092, which is what the services are given.
    expect([...advertised.values()]).toContainEqual({ host: 'kafka', port: 9092 });
    // Host clients: an advertised localhost listener whose port is published as is.
    const forHost = [...advertised.entries()].filter(([, l]) => l.host === 'localhost' || l.host === '127.0.0.1');
    expect(forHost.length, 'an advertised listener for host clients').toBeGreaterThan(0);
    for (const [name, l] of forHost) {
      expect(bound.get(name)?.port, `listener ${name} is bound`).toBe(l.port);
      expect(publishedPorts(kafka)).toContain(l.port);
    }
    // The controller listener is bound, named, and is the (only) quorum voter.
    const controller = env.KAFKA_CONTROLLER_LISTENER_NAMES ?? '';
    expect(bound.has(controller), `controller listener ${controller} is bound`).toBe(true);
    expect(advertised.has(controller), 'the controller listener is not advertised to clients').toBe(false);
    expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(`${env.KAFKA_NODE_ID}@kafka:${bound.get(controller)!.port}`);

    const healthcheck = [kafka.healthcheck?.test ?? []].flat().join(' ');
    expect(healthcheck).toContain('/opt/kafka/bin/kafka-broker-api-versions.sh');
  });

  it('runs Redis with an append-only file and a health check', () => {
    const redis = service('redis');
    const command = [redis.command ?? []].flat().join(' ');
    expect(command).toMatch(/--appendonly yes/);
    expect(command).toMatch(/--appendfsync everysec/);
    expect([redis.healthcheck?.test ?? []].flat().join(' ')).toMatch(/redis-cli.*ping/);
  });

  it.each(APP_SERVICES.map((app) => [app.name, app] as const))('runs %s from the image of the Dockerfile, wired to Kafka and Redis', (_, app) => {
    const svc = service(app.name);
    expect(svc.command).toEqual([app.name]);
    const env = environment(svc);
    expect(env.KAFKA_BROKERS).toBe('kafka:9092');
    expect(env.REDIS_URL).toBe('redis://redis:6379');
    expect(env[app.host]).toBe('0.0.0.0');
    if (env[app.portVar] !== undefined) expect(env[app.portVar]).toBe(String(app.port));
    expect(dependencies(svc)).toMatchObject({ kafka: 'service_healthy', redis: 'service_healthy' });
    for (const dep of Object.keys(dependencies(svc))) expect(Object.keys(compose.services)).toContain(dep);
  });

  it.each(APP_SERVICES.map((app) => [app.name, app] as const))('the image runs `sonar %s` (ENTRYPOINT + compose command)', (_, app) => {
    const entrypoint = dockerfileEntrypoint();
    const [node, ...args] = entrypoint;
    expect(node).toBe('node');
    const command = [service(app.name).command ?? []].flat();
    const help = execFileSync(process.execPath, [...args, ...command, '--help'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(help).toContain(`sonar ${app.name}`);
  });

  it('runs three gradient workers in the profile parallel, on the ports Prometheus scrapes, beside a trainer that can be their applier', () => {
    const workers = Object.keys(compose.services).filter((name) => name.startsWith('trainer-worker-'));
    expect(workers).toEqual(['trainer-worker-1', 'trainer-worker-2', 'trainer-worker-3']);
    const scraped = targetsOf(yamlOf<PrometheusConfig>('infra/prometheus/prometheus.compose.yml'))['trainer-worker'];
    workers.forEach((name, i) => {
      const svc = service(name);
      expect((svc as { profiles?: string[] }).profiles, name).toEqual(['parallel']);
      expect(svc.command).toEqual(['trainer', '--role', 'worker']);
      const env = environment(svc);
      expect(env).toMatchObject({ KAFKA_BROKERS: 'kafka:9092', REDIS_URL: 'redis://redis:6379', TRAINER_HOST: '0.0.0.0', TRAINER_PORT: '9101', TRAINER_WORKER_ID: `w${i + 1}` });
      expect(svc.ports).toEqual([`127.0.0.1:${DEFAULT_PORTS.trainerWorkers[i]}:9101`]);
      expect(scraped).toContain(`${name}:9101`);
      expect(dependencies(svc)).toMatchObject({ kafka: 'service_healthy', redis: 'service_healthy' });
    });
    expect(environment(service('trainer')).TRAINER_ROLE).toBe('${TRAINER_ROLE:-}');
  });

  it('has a build context and Dockerfile for every service built from source', () => {
    const built = Object.entries(compose.services).filter(([, svc]) => svc.build !== undefined);
    expect(built.map(([name]) => name)).toEqual(expect.arrayContaining(APP_SERVICES.map((a) => a.name)));
    for (const [name, svc] of built) {
      const build = typeof svc.build === 'string' ? { context: svc.build } : svc.build ?? {};
      const context = build.context ?? '.';
      expect(exists(context) && statSync(join(root, context)).isDirectory(), `${name}: build context ${context}`).toBe(true);
      const dockerfile = join(context, build.dockerfile ?? 'Dockerfile');
      expect(exists(dockerfile), `${name}: ${dockerfile}`).toBe(true);
    }
  });

  it('mounts only files and folders that exist (or that `sonar stack compose-files` writes), and declares its named volumes', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const mount of mounts(svc)) {
        if (mount.bind) {
          expect(existsSync(onDisk(mount.source)), `${name}: mounted ${mount.source} exists`).toBe(true);
        } else {
          expect(Object.keys(compose.volumes ?? {}), `${name}: named volume ${mount.source}`).toContain(mount.source);
        }
      }
    }
  });

  it('mounts the compose Prometheus config and the alerts where its rule_files point', () => {
    const prometheus = mounts(service('prometheus'));
    const bySource = (source: string) => prometheus.find((m) => m.bind && posix.normalize(m.source) === source);
    const config = bySource('infra/prometheus/prometheus.compose.yml');
    expect(config?.target).toBe('/etc/prometheus/prometheus.yml');
    expect(bySource('infra/prometheus/alerts.yml')?.target).toBe('/etc/prometheus/alerts.yml');
    const targets = prometheus.map((m) => m.target);
    for (const rules of yamlOf<PrometheusConfig>('infra/prometheus/prometheus.compose.yml').rule_files ?? []) {
      expect(targets, `rule file ${rules} is mounted`).toContain(posix.resolve(posix.dirname(config!.target), rules));
    }
  });

  it('mounts the Grafana provisioning, and the dashboards where the provider reads them', () => {
    const grafana = mounts(service('grafana'));
    const bySource = (source: string) => grafana.find((m) => m.bind && posix.normalize(m.source).replace(/\/$/, '') === source);
    expect(bySource('infra/grafana/provisioning')?.target).toBe('/etc/grafana/provisioning');
    const dashboards = bySource('infra/grafana/dashboards');
    expect(dashboards, 'infra/grafana/dashboards is mounted').toBeDefined();
    const providers = yamlOf<ProviderFile>('infra/grafana/provisioning/dashboards/sonar.yml').providers;
    expect(providers.length).toBeGreaterThan(0);
    for (const provider of providers) {
      expect(provider.type ?? 'file').toBe('file');
      expect(posix.normalize(provider.options.path).replace(/\/$/, '')).toBe(dashboards!.target.replace(/\/$/, ''));
    }
    const env = environment(service('grafana'));
    expect(env.GF_AUTH_ANONYMOUS_ENABLED).toBe('true');
    expect(env.GF_AUTH_ANONYMOUS_ORG_ROLE).toBe('Viewer');
  });

  it('takes credentials only from the environment, with no default', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const [key, value] of Object.entries(environment(svc))) {
        if (/PASSWORD|TOKEN|SECRET|CREDENTIAL|REDISCLI_AUTH/i.test(key)) {
          // Unset, empty, or an error message: never a default secret.
          expect(value, `${name}: ${key} comes from \${...}`).toMatch(/^\$\{[A-Z0-9_]+(:?-|:?\?[^}]*)?\}$/);
        }
        // The password of a URL too.
        const password = /^\w+:\/\/[^:/@]*:([^@]*)@/.exec(value)?.[1];
        if (password !== undefined) expect(password, `${name}: the password in ${key}`).toMatch(/^\$\{[A-Z0-9_]+(:?-)?\}$/);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// docker-compose.yml, profile `secured`

const SECURED_APPS = [
  { name: 'ingest-secured', principal: 'ingest', redis: false },
  { name: 'trainer-secured', principal: 'trainer', redis: true },
  { name: 'scorer-secured', principal: 'scorer', redis: true },
] as const;
const SECURED = ['kafka-secured', 'redis-secured', 'grant-secured', ...SECURED_APPS.map((app) => app.name)];
const generated = (path: string): string => readFileSync(join(generatedDir, path), 'utf8');
/** Where a service's container finds a generated file, if it is mounted. */
const mountedAt = (svc: ComposeService, file: string): string | undefined =>
  mounts(svc).find((m) => m.bind && posix.normalize(m.source) === `${GENERATED}/${file}`)?.target;
/** The variables a value takes from the environment. */
const variables = (value: string): string[] => [...value.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]!);

describe('docker-compose.yml, profile secured', () => {
  it('adds the secured broker, Redis, the one-shot grant and the three services, in that profile only', () => {
    for (const name of SECURED) expect((service(name) as { profiles?: string[] }).profiles, name).toEqual(['secured']);
    for (const name of REQUIRED_SERVICES) expect((service(name) as { profiles?: string[] }).profiles, name).toBeUndefined();
    expect(service('kafka-secured').image).toBe(`apache/kafka:${kafkaVersion()}`);
    expect(dependencies(service('grant-secured'))).toEqual({ 'kafka-secured': 'service_healthy' });
    for (const app of SECURED_APPS) {
      expect(dependencies(service(app.name))).toMatchObject({ 'grant-secured': 'service_completed_successfully', ...(app.redis ? { 'redis-secured': 'service_healthy' } : {}) });
    }
  });

  it('runs the broker with the configuration `sonar stack up --secure` uses: server.properties and server-secure.properties, rendered', () => {
    const kafka = service('kafka-secured');
    expect((kafka as { hostname?: string }).hostname).toBe(COMPOSE_HOSTS.kafka);
    expect(posix.normalize(mounts(kafka).find((m) => m.target === '/etc/sonar/start-broker.sh')!.source)).toBe('infra/kafka/compose-secured-broker.sh');
    for (const file of ['server.properties', 'format.args', 'cluster.id', 'admin.properties']) expect(mountedAt(kafka, `kafka/${file}`)).toBe(`${MOUNTED.kafka}/${file}`);
    const rendered = parseProperties(generated('kafka/server.properties'));
    const template = (file: string) => parseProperties(readFileSync(join(root, 'infra/kafka', file), 'utf8'));
    // Every setting of both templates, the secured ones winning; placeholders all filled in.
    for (const [key, value] of [...template('server.properties'), ...template('server-secure.properties')]) {
      expect(rendered.get(key), key).toBeDefined();
      expect(rendered.get(key), key).not.toContain('{{');
      if (!value.includes('{{') && template('server-secure.properties').get(key) === value) expect(rendered.get(key), key).toBe(value.replaceAll('127.0.0.1', COMPOSE_HOSTS.kafka));
    }
    expect(rendered.get('listeners')).toBe(`SASL_SSL://${COMPOSE_HOSTS.kafka}:9092,CONTROLLER://${COMPOSE_HOSTS.kafka}:9093`);
    // The TLS files are where they are mounted, and the data where its folder is.
    expect(mountedAt(kafka, 'tls/server-keystore.pem')).toBe(rendered.get('ssl.keystore.location'));
    expect(mountedAt(kafka, 'tls/ca.pem')).toBe(rendered.get('ssl.truststore.location'));
    expect(mountedAt(kafka, 'kafka-data')).toBe(rendered.get('log.dirs'));
    expect(generated('kafka/format.args')).toMatch(/^--add-scram\nSCRAM-SHA-512=\[name=admin,password=/);
  });

  it('runs Redis with the configuration of the secured stack: TLS only, the ACL users, its files where they are mounted', () => {
    const redis = service('redis-secured');
    const conf = new Map(generated('redis/redis.conf').trim().split('\n').map((line) => [line.split(' ')[0]!, line.slice(line.indexOf(' ') + 1).replace(/^"(.*)"$/, '$1')]));
    expect(conf.get('port')).toBe('0');
    expect(publishedPorts(redis).length).toBe(1);
    expect(String(redis.ports![0])).toMatch(new RegExp(`^127\\.0\\.0\\.1:\\d+:${conf.get('tls-port')}$`));
    expect([conf.get('tls-cert-file'), conf.get('tls-key-file'), conf.get('tls-ca-cert-file'), conf.get('aclfile')]).toEqual([
      mountedAt(redis, 'tls/server.pem'),
      mountedAt(redis, 'tls/server.key'),
      mountedAt(redis, 'tls/ca.pem'),
      mountedAt(redis, 'redis/users.acl'),
    ]);
    expect([redis.command ?? []].flat()).toEqual(['redis-server', mountedAt(redis, 'redis/redis.conf')]);
    expect(generated('redis/users.acl')).toMatch(/^user default off /);
  });

  it('gives the broker and Redis a certificate for their compose names, signed by the CA the clients are given', () => {
    const certificate = new X509Certificate(generated('tls/server.pem'));
    for (const host of Object.values(COMPOSE_HOSTS)) {
      expect(certificate.subjectAltName).toContain(`DNS:${host}`);
      expect(Object.keys(compose.services)).toContain(host);
    }
    expect(certificate.verify(new X509Certificate(generated('tls/ca.pem')).publicKey)).toBe(true);
  });

  it.each(SECURED_APPS.map((app) => [app.name, app] as const))('%s connects as its own principal, SCRAM-SHA-512 over TLS, with the CA that is mounted', (_, app) => {
    const svc = service(app.name);
    const env = environment(svc);
    const ca = mountedAt(svc, 'tls/ca.pem');
    expect(env).toMatchObject({ KAFKA_BROKERS: `${COMPOSE_HOSTS.kafka}:9092`, KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: ca, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: app.principal });
    const password = `SONAR_SECURED_${app.principal.toUpperCase()}_PASSWORD`;
    expect(variables(env.KAFKA_SASL_PASSWORD!)).toEqual([password]);
    if (app.redis) {
      expect(env.REDIS_URL).toBe(`rediss://${app.principal}:\${${password}:-}@${COMPOSE_HOSTS.redis}:6379`);
      expect(env.REDIS_TLS_CA_FILE).toBe(ca);
    } else {
      // Ingest: HTTPS with the mounted certificate, and a token, which 0.0.0.0 requires.
      expect(env).toMatchObject({ INGEST_HOST: '0.0.0.0', INGEST_TLS_CERT_FILE: mountedAt(svc, 'tls/server.pem'), INGEST_TLS_KEY_FILE: mountedAt(svc, 'tls/server.key') });
      expect(variables(env.INGEST_TOKEN!)).toEqual(['INGEST_TOKEN']);
      expect(env.INGEST_ALLOW_UNAUTHENTICATED).toBeUndefined();
    }
  });

  it('takes every secret it uses from the generated secured.env (mode 0600), which holds nothing else', () => {
    const envFile = generated('secured.env');
    expect(statSync(join(generatedDir, 'secured.env')).mode & 0o077).toBe(0);
    const given = new Set(envFile.split('\n').filter((line) => /^[A-Z]/.test(line)).map((line) => line.split('=')[0]!));
    const used = new Set(SECURED.flatMap((name) => [JSON.stringify(service(name).environment ?? {}), JSON.stringify(service(name)).match(/"user":"[^"]*"/)?.[0] ?? ''].flatMap(variables)));
    for (const optional of ['SONAR_MODEL', 'LOG_LEVEL', 'SCORER_EXACTLY_ONCE']) used.delete(optional);
    expect([...used].sort()).toEqual([...given].sort());
  });
});

// ---------------------------------------------------------------------------------------------
// Dockerfile and .dockerignore

interface Instruction { keyword: string; args: string }
function dockerfile(): Instruction[] {
  const joined = text('Dockerfile').replace(/\\\r?\n/g, ' ');
  return joined.split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

function execArgs(args: string): string[] {
  return args.trim().startsWith('[') ? (JSON.parse(args) as string[]) : args.split(/\s+/);
}

function dockerfileEntrypoint(): string[] {
  const entrypoint = dockerfile().find((i) => i.keyword === 'ENTRYPOINT');
  if (!entrypoint) throw new Error('the Dockerfile has no ENTRYPOINT');
  return execArgs(entrypoint.args);
}

/** COPY instructions from the build context: their sources and destination. */
function contextCopies(): { sources: string[]; destination: string; index: number }[] {
  return dockerfile().flatMap((instruction, index) => {
    if (instruction.keyword !== 'COPY') return [];
    const words = execArgs(instruction.args);
    if (words.some((w) => w.startsWith('--from'))) return [];
    const paths = words.filter((w) => !w.startsWith('--'));
    return [{ sources: paths.slice(0, -1), destination: paths[paths.length - 1] ?? '', index }];
  });
}

/** The context paths a COPY source names, with Docker's * and ? wildcards. */
function matches(source: string): string[] {
  const normal = posix.normalize(source).replace(/\/$/, '');
  if (!/[*?[]/.test(normal)) return exists(normal) ? [normal] : [];
  const dir = posix.dirname(normal);
  const pattern = new RegExp(`^${posix.basename(normal).replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  return exists(dir) ? readdirSync(join(root, dir)).filter((f) => pattern.test(f)).map((f) => posix.join(dir, f)) : [];
}

function workspaceManifests(): string[] {
  return ['packages', 'services'].flatMap((dir) =>
    readdirSync(join(root, dir))
      .map((name) => `${dir}/${name}/package.json`)
      .filter((path) => exists(path)));
}

describe('Dockerfile', () => {
  it('builds on a supported Node (20 to 24)', () => {
    const from = dockerfile().filter((i) => i.keyword === 'FROM').map((i) => i.args.split(/\s+/)[0]);
    expect(from.length).toBeGreaterThan(0);
    const final = from[from.length - 1] ?? '';
    const stageNames = dockerfile().filter((i) => i.keyword === 'FROM').map((i) => /\bAS\s+(\S+)/i.exec(i.args)?.[1]);
    const base = stageNames.includes(final) ? from[0] ?? '' : final;
    expect(base).toMatch(/^node:(2[0-4])([.-]|$)/);
  });

  it('copies only sources that exist in the build context', () => {
    const copies = contextCopies();
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      for (const source of copy.sources) expect(matches(source), `COPY ${source}`).not.toEqual([]);
    }
  });

  it('copies every workspace manifest before `pnpm install --frozen-lockfile`', () => {
    const install = dockerfile().findIndex((i) => i.keyword === 'RUN' && /pnpm install .*--frozen-lockfile/.test(i.args));
    expect(install, 'RUN pnpm install --frozen-lockfile').toBeGreaterThan(-1);
    const before = new Set(contextCopies().filter((c) => c.index < install).flatMap((c) => c.sources.flatMap(matches)));
    for (const file of ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', ...workspaceManifests()]) {
      expect(before.has(file), `${file} is copied before the install`).toBe(true);
    }
    const pnpm = dockerfile().find((i) => i.keyword === 'RUN' && /pnpm@/.test(i.args))?.args ?? '';
    const packageManager = (JSON.parse(text('package.json')) as { packageManager: string }).packageManager;
    expect(pnpm).toContain(packageManager);
  });

  it('copies the sources the entrypoint runs, and runs as an unprivileged user', () => {
    const copied = contextCopies().flatMap((c) => c.sources.flatMap(matches));
    const script = dockerfileEntrypoint().find((arg) => arg.endsWith('.ts'));
    expect(script && exists(script), `entrypoint script ${script}`).toBe(true);
    expect(copied.some((path) => script === path || script!.startsWith(`${path}/`)), `${script} is copied`).toBe(true);
    for (const needed of ['packages', 'services', 'tsconfig.json', 'tsconfig.base.json', 'packages/dataset/data/sonar.csv']) {
      expect(copied.some((path) => needed === path || needed.startsWith(`${path}/`)), `${needed} is copied`).toBe(true);
    }
    const users = dockerfile().filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(users[users.length - 1]).toBe('node');
  });

  it('keeps node_modules, local state and the git directory out of the build context', () => {
    const ignored = text('.dockerignore').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '.sonar', '.git']));
    expect(ignored.some((l) => /coverage/.test(l))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Prometheus and Grafana files

interface PrometheusConfig {
  global?: Record<string, string>;
  rule_files?: string[];
  scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
}
const targetsOf = (config: PrometheusConfig): Record<string, string[]> =>
  Object.fromEntries(config.scrape_configs.map((job) => [job.job_name, job.static_configs.flatMap((s) => s.targets)]));

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: { expr?: string; datasource?: { uid?: string } }[];
}
interface Dashboard { uid: string; title: string; refresh: string; time: { from: string; to: string }; panels: Panel[] }
const dashboard = JSON.parse(text('infra/grafana/dashboards/sonar-stream.json')) as Dashboard;
const dashboardExprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? '')).filter((e) => e.trim() !== '');

interface AlertRule { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
interface RuleFile { groups: { name: string; rules: AlertRule[] }[] }

describe('Prometheus configuration', () => {
  it('scrapes the three services, the gradient workers and the shadow demo\'s challenger on loopback in the local stack', () => {
    expect(targetsOf(yamlOf<PrometheusConfig>('infra/prometheus/prometheus.yml'))).toMatchObject({
      ingest: ['127.0.0.1:9100'],
      trainer: ['127.0.0.1:9101'],
      scorer: ['127.0.0.1:9102'],
      'trainer-worker': DEFAULT_PORTS.trainerWorkers.map((port) => `127.0.0.1:${port}`),
      'trainer-shadow': [`127.0.0.1:${DEFAULT_PORTS.trainerShadow}`],
    });
  });

  it('scrapes the same jobs by compose service name in docker-compose', () => {
    const local = yamlOf<PrometheusConfig>('infra/prometheus/prometheus.yml');
    const inCompose = yamlOf<PrometheusConfig>('infra/prometheus/prometheus.compose.yml');
    const targets = targetsOf(inCompose);
    expect(targets).toEqual({
      prometheus: ['prometheus:9090'],
      ingest: ['ingest:9100'],
      trainer: ['trainer:9101'],
      scorer: ['scorer:9102'],
      'trainer-worker': ['trainer-worker-1:9101', 'trainer-worker-2:9101', 'trainer-worker-3:9101'],
    });
    // `sonar demo --shadow` starts its challenger on the local stack only: compose has no such service.
    const localJobs = Object.keys(targetsOf(local)).filter((job) => job !== 'trainer-shadow');
    expect(Object.keys(targets).sort()).toEqual(localJobs.sort());
    expect(inCompose.rule_files).toEqual(['alerts.yml']);
    expect(inCompose.global).toEqual(local.global);
    for (const target of Object.values(targets).flat()) {
      expect(Object.keys(compose.services), `${target} is a compose service`).toContain(target.split(':')[0]);
    }
  });

  it('defines the alerts of the sonar-stream group, each with for, severity, summary and description', () => {
    const groups = yamlOf<RuleFile>('infra/prometheus/alerts.yml').groups;
    const group = groups.find((g) => g.name === 'sonar-stream');
    expect(group, 'group sonar-stream').toBeDefined();
    const names = group!.rules.map((r) => r.alert);
    expect(names).toEqual(expect.arrayContaining([
      'SonarTrainerStalled', 'SonarTrainingCostDiverging', 'SonarHealthGateTripped', 'SonarDeadLetterRateHigh',
      'SonarScorerLagGrowing', 'SonarModelStale', 'SonarFencedWrites',
      'SonarDeadLettersFailing', 'SonarDependencyDown', 'SonarCorruptCheckpoints', 'SonarTrainerFenced', 'SonarDriftDetected',
    ]));
    for (const rule of group!.rules) {
      expect(rule.alert, 'only alerting rules').toBeTruthy();
      expect(rule.for, `${rule.alert}: for`).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning', 'info'], `${rule.alert}: severity`).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, `${rule.alert}: summary`).toBeTruthy();
      expect(rule.annotations?.description, `${rule.alert}: description`).toBeTruthy();
    }
  });
});

describe('Grafana provisioning and dashboard', () => {
  it('provisions the compose Prometheus as the default datasource, uid prometheus', () => {
    const file = yamlOf<DatasourceFile>('infra/grafana/provisioning/datasources/prometheus.yml');
    expect(file.apiVersion).toBe(1);
    const prometheus = file.datasources.find((d) => d.uid === 'prometheus');
    expect(prometheus).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090', isDefault: true });
    expect(publishedPorts(service('prometheus'))).toContain(Number(new URL(prometheus!.url).port));
  });

  it('provisions dashboards from files', () => {
    const file = yamlOf<ProviderFile>('infra/grafana/provisioning/dashboards/sonar.yml');
    expect(file.apiVersion).toBe(1);
    expect(file.providers.map((p) => p.type ?? 'file')).toEqual(file.providers.map(() => 'file'));
    expect(exists('infra/grafana/dashboards/sonar-stream.json')).toBe(true);
  });

  it('is the "Sonar stream" dashboard, refreshed every 5 s over the last 15 min', () => {
    expect(dashboard).toMatchObject({ uid: 'sonar-stream', title: 'Sonar stream', refresh: '5s', time: { from: 'now-15m', to: 'now' } });
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives every panel a Prometheus query (datasource uid prometheus) without template variables', () => {
    expect(dashboard.panels.length).toBeGreaterThan(0);
    // Rows only group the panels below them.
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      const queries = (panel.targets ?? []).filter((t) => (t.expr ?? '').trim() !== '');
      expect(queries.length, `panel "${panel.title}" has a query`).toBeGreaterThan(0);
      for (const query of queries) {
        expect(query.datasource?.uid ?? panel.datasource?.uid, `panel "${panel.title}": datasource`).toBe('prometheus');
        expect(query.expr, `panel "${panel.title}": no $variables`).not.toContain('$');
      }
    }
  });

  it('charts the metrics of the contract', () => {
    for (const metric of [
      'sonar_trainer_cost', 'sonar_trainer_accuracy', 'sonar_scorer_accuracy', 'sonar_scorer_latency_seconds',
      'sonar_scorer_model_version', 'sonar_scorer_model_propagation_seconds', 'rejected_total', 'sonar_consumer_lag',
      'process_cpu_seconds_total', 'process_resident_memory_bytes',
    ]) {
      expect(dashboardExprs.some((expr) => expr.includes(metric)), metric).toBe(true);
    }
  });

  /** The queries of a row's panels: those after it, up to the next row. */
  const rowExprs = (title: string): string[] => {
    const row = dashboard.panels.findIndex((p) => p.type === 'row' && p.title === title);
    expect(row, `row "${title}"`).toBeGreaterThan(-1);
    const after = dashboard.panels.slice(row + 1);
    const next = after.findIndex((p) => p.type === 'row');
    return (next === -1 ? after : after.slice(0, next)).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
  };

  it('has a row "Parallel training" whose panels chart the applier\'s gradients and the workers\' metrics', () => {
    const exprs = rowExprs('Parallel training');
    for (const metric of [
      METRICS.trainerGradients, METRICS.trainerGradientRepeats, METRICS.trainerGradientStaleness, METRICS.workerReadings,
      METRICS.workerGradients, METRICS.workerWaitSeconds, METRICS.workerTransactions, METRICS.workerModelVersion,
    ]) {
      expect(exprs.some((expr) => expr.includes(metric)), metric).toBe(true);
    }
  });

  it('has a row for the model lifecycle: the shadow comparison and the drifts detected', () => {
    const exprs = rowExprs('Model lifecycle: shadow scoring and drift');
    for (const metric of [METRICS.scorerShadowAccuracy, METRICS.scorerShadowLogLoss, METRICS.scorerShadowAgreement, METRICS.driftDetected]) {
      expect(exprs.some((expr) => expr.includes(metric)), metric).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// promtool: the bootstrap installs it (Debian's prometheus package); without it these fail, never skip.

const promtool = which('promtool');

function runPromtool(args: string[], cwd = root): { status: number; output: string } {
  try {
    if (!promtool) throw new Error('promtool is not on PATH: run node scripts/bootstrap.mjs as root, or apt-get install prometheus');
    const output = execFileSync(promtool, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    return { status: 0, output };
  } catch (error) {
    const failed = error as { status?: number | null; stdout?: string; stderr?: string; message: string };
    return { status: failed.status ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}${failed.message}` };
  }
}

function inTempDir<T>(work: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'sonar-infra-'));
  try {
    return work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Unit tests of the alerting rules, for `promtool test rules`. Annotations are stripped from
// the copy under test (promtool would compare their rendered text); `check rules` validates them.
const series = (name: string, labels: Record<string, string>, values: string) => ({
  series: `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`,
  values,
});
/** At each evaluation time, the labels of each alert `alertname` should fire with (none: it should not fire). */
const firing = (alertname: string, expected: Record<string, Record<string, string>[]>) =>
  Object.entries(expected).map(([eval_time, alerts]) => ({ eval_time, alertname, exp_alerts: alerts.map((exp_labels) => ({ exp_labels })) }));
const trainer = { job: 'trainer', instance: 'trainer:9101', service: 'trainer' };
const scorer = { job: 'scorer', instance: 'scorer:9102', service: 'scorer' };
const worker = { job: 'trainer-worker', instance: 'trainer-worker-1:9101', service: 'trainer-worker' };
/** The labels a `sum by (job, instance)` keeps. */
const jobOf = ({ job, instance }: typeof trainer) => ({ job, instance });
const alertTests = [
  {
    // Lag builds up from minute 10 while the batches counter stops moving.
    interval: '1m',
    input_series: [
      series('sonar_trainer_batches_total', trainer, '0+10x10 100x30'),
      series('sonar_consumer_lag', { ...trainer, group: 'sonar-trainer-sonar', partition: '0' }, '0x10 500x30'),
    ],
    alert_rule_test: firing('SonarTrainerStalled', { '12m': [], '26m': [{ severity: 'critical' }] }),
  },
  {
    // Lag, but the trainer keeps applying batches: not stalled.
    interval: '1m',
    input_series: [
      series('sonar_trainer_batches_total', trainer, '0+10x40'),
      series('sonar_consumer_lag', { ...trainer, group: 'sonar-trainer-sonar', partition: '0' }, '500x40'),
    ],
    alert_rule_test: firing('SonarTrainerStalled', { '30m': [] }),
  },
  {
    // Parallel mode: readings wait in the workers' group and the applier stops applying gradients.
    interval: '1m',
    input_series: [
      series('sonar_trainer_batches_total', trainer, '0+10x10 100x30'),
      series('sonar_consumer_lag', { ...worker, group: 'sonar-workers-sonar', partition: '0' }, '0x10 500x30'),
      series('sonar_consumer_lag', { ...trainer, group: 'sonar-applier-sonar', partition: '0' }, '0x40'),
    ],
    alert_rule_test: [
      { eval_time: '12m', alertname: 'SonarTrainerStalled', exp_alerts: [] },
      { eval_time: '26m', alertname: 'SonarTrainerStalled', exp_alerts: [{ exp_labels: { severity: 'critical' } }] },
    ],
  },
  {
    // One Page-Hinkley alarm of the trainer at minute 5: the alert says so for the next 15 minutes.
    interval: '1m',
    input_series: [series('sonar_drift_detected_total', { ...trainer, signal: 'progressive_loss' }, '0x5 1x30')],
    alert_rule_test: firing('SonarDriftDetected', { '3m': [], '8m': [{ ...trainer, signal: 'progressive_loss', severity: 'warning' }], '25m': [] }),
  },
  {
    interval: '1m',
    input_series: [series('sonar_trainer_fenced_writes_total', trainer, '0x5 1x30')],
    alert_rule_test: firing('SonarFencedWrites', { '3m': [], '8m': [{ ...trainer, severity: 'warning' }], '25m': [] }),
  },
  {
    interval: '1m',
    input_series: [
      series('sonar_trainer_health_gate_total', { ...trainer, reason: 'cost_limit' }, '0x5 3x10'),
      series('sonar_trainer_health_gate_total', { ...trainer, reason: 'non_finite' }, '0x15'),
    ],
    alert_rule_test: firing('SonarHealthGateTripped', {
      '4m': [],
      '9m': [{ job: 'trainer', instance: 'trainer:9101', reason: 'cost_limit', severity: 'warning' }],
    }),
  },
  {
    // The model's age keeps growing while labeled readings are trained on.
    interval: '1m',
    input_series: [
      series('sonar_scorer_model_age_seconds', scorer, '0+60x30'),
      series('sonar_trainer_readings_total', { ...trainer, kind: 'trained' }, '0+100x30'),
    ],
    alert_rule_test: firing('SonarModelStale', { '9m': [], '20m': [{ ...scorer, severity: 'warning' }] }),
  },
  {
    // An idle stream: an old model is expected.
    interval: '1m',
    input_series: [
      series('sonar_scorer_model_age_seconds', scorer, '0+60x30'),
      series('sonar_trainer_readings_total', { ...trainer, kind: 'trained' }, '100x30'),
    ],
    alert_rule_test: firing('SonarModelStale', { '20m': [] }),
  },
  {
    // 10 dead letters per 100 valid readings at the trainer (9%) and at the gradient workers of a
    // parallel-mode model (9%), 1 per 100 at the scorer.
    interval: '1m',
    input_series: [
      series('sonar_trainer_rejected_total', { ...trainer, reason: 'invalid_json' }, '0+10x20'),
      series('sonar_trainer_rejected_total', { ...trainer, reason: 'empty' }, '0x20'),
      series('sonar_trainer_readings_total', { ...trainer, kind: 'trained' }, '0+100x20'),
      series('sonar_worker_rejected_total', { ...worker, reason: 'invalid_json' }, '0+10x20'),
      series('sonar_worker_readings_total', { ...worker, kind: 'sent' }, '0+100x20'),
      series('sonar_scorer_rejected_total', { ...scorer, reason: 'invalid_json' }, '0+1x20'),
      series('sonar_scorer_readings_total', { ...scorer, label: 'R' }, '0+50x20'),
      series('sonar_scorer_readings_total', { ...scorer, label: 'M' }, '0+50x20'),
    ],
    alert_rule_test: firing('SonarDeadLetterRateHigh', { '15m': [{ job: 'trainer', severity: 'warning' }, { job: 'trainer-worker', severity: 'warning' }] }),
  },
  {
    // The scorer's lag grows past 1000 and keeps growing; the trainer's too, which is not this alert's business.
    interval: '1m',
    input_series: [
      series('sonar_consumer_lag', { ...scorer, group: 'sonar-scorer-sonar', partition: '0' }, '0+100x40'),
      series('sonar_consumer_lag', { ...scorer, group: 'sonar-scorer-sonar', partition: '1' }, '0+100x40'),
      series('sonar_consumer_lag', { ...trainer, group: 'sonar-trainer-sonar', partition: '0' }, '0+100x40'),
    ],
    alert_rule_test: firing('SonarScorerLagGrowing', { '8m': [], '25m': [{ group: 'sonar-scorer-sonar', severity: 'warning' }] }),
  },
  {
    // A steady cost, then one far above an untrained model's.
    interval: '1m',
    input_series: [series('sonar_trainer_cost', trainer, '0.3x70 8x20')],
    alert_rule_test: firing('SonarTrainingCostDiverging', { '60m': [], '80m': [{ ...trainer, severity: 'warning' }] }),
  },
  {
    // The cost more than doubles against the hour before and is worse than an untrained model's.
    interval: '1m',
    input_series: [series('sonar_trainer_cost', trainer, '0.3x70 1.5x20')],
    alert_rule_test: firing('SonarTrainingCostDiverging', { '85m': [{ ...trainer, severity: 'warning' }] }),
  },
  {
    // Three letters refused at minute 6; none after.
    interval: '1m',
    input_series: [series('sonar_dead_letters_failed_total', scorer, '0x5 3x30')],
    alert_rule_test: firing('SonarDeadLettersFailing', { '4m': [], '8m': [{ ...jobOf(scorer), severity: 'critical' }], '25m': [] }),
  },
  {
    // Redis stuck for the trainer from minute 6 to 11, and for the scorer only at minute 6.
    interval: '1m',
    input_series: [
      series('sonar_dependency_up', { ...trainer, dependency: 'redis' }, '1x5 0x5 1x10'),
      series('sonar_dependency_up', { ...scorer, dependency: 'redis' }, '1x5 0 1x14'),
      series('sonar_dependency_up', { ...scorer, dependency: 'kafka' }, '1x20'),
    ],
    alert_rule_test: firing('SonarDependencyDown', { '6m': [], '9m': [{ ...trainer, dependency: 'redis', severity: 'critical' }], '15m': [] }),
  },
  {
    // The scorer refuses a corrupt model at minute 6; a trainer skips two corrupt checkpoints at minute 21.
    interval: '1m',
    input_series: [
      series('sonar_scorer_models_rejected_total', { ...scorer, reason: 'wrong_theta_length' }, '0x5 1x30'),
      series('sonar_scorer_models_rejected_total', { ...scorer, reason: 'non_finite_theta' }, '0x35'),
      series('sonar_trainer_corrupt_checkpoints_total', trainer, '0x20 2x15'),
    ],
    alert_rule_test: firing('SonarCorruptCheckpoints', { '4m': [], '8m': [{ ...jobOf(scorer), severity: 'warning' }], '23m': [{ ...jobOf(trainer), severity: 'warning' }], '34m': [] }),
  },
  {
    // Fenced from minute 6 to 11 (the group kept assigning it the partitions); a fenced minute at 20 is not enough.
    interval: '1m',
    input_series: [
      series('sonar_trainer_state', { ...trainer, state: 'fenced' }, '0x5 1x5 0x8 1 0x10'),
      series('sonar_trainer_state', { ...trainer, state: 'active' }, '1x5 0x5 1x8 0 1x10'),
    ],
    alert_rule_test: firing('SonarTrainerFenced', { '7m': [], '9m': [{ ...trainer, state: 'fenced', severity: 'critical' }], '20m': [], '22m': [] }),
  },
  {
    interval: '1m',
    input_series: [series('up', { job: 'trainer', instance: 'trainer:9101' }, '1x5 0x10')],
    alert_rule_test: firing('SonarServiceDown', { '4m': [], '10m': [{ job: 'trainer', instance: 'trainer:9101', severity: 'critical' }] }),
  },
];

describe('promtool', () => {
  it.each(['infra/prometheus/prometheus.yml', 'infra/prometheus/prometheus.compose.yml'])('check config %s', (config) => {
    const result = runPromtool(['check', 'config', config]);
    expect(result.status, result.output).toBe(0);
  });

  it('check rules infra/prometheus/alerts.yml', () => {
    const result = runPromtool(['check', 'rules', 'infra/prometheus/alerts.yml']);
    expect(result.status, result.output).toBe(0);
  });

  it('test rules: the alerts fire when they should, and only then', () => {
    const rules = yamlOf<RuleFile>('infra/prometheus/alerts.yml');
    for (const group of rules.groups) for (const rule of group.rules) delete rule.annotations;
    const result = inTempDir((dir) => {
      writeFileSync(join(dir, 'alerts.yml'), stringify(rules));
      writeFileSync(join(dir, 'alerts.test.yml'), stringify({ rule_files: ['alerts.yml'], evaluation_interval: '1m', tests: alertTests }));
      return runPromtool(['test', 'rules', 'alerts.test.yml'], dir);
    });
    expect(result.status, result.output).toBe(0);
  });

  it('every dashboard query is valid PromQL', () => {
    const result = inTempDir((dir) => {
      const rules = { groups: [{ name: 'dashboard', rules: dashboardExprs.map((expr, i) => ({ record: `dashboard:query:${i}`, expr })) }] };
      writeFileSync(join(dir, 'dashboard.yml'), stringify(rules));
      return runPromtool(['check', 'rules', 'dashboard.yml'], dir);
    });
    expect(result.status, result.output).toBe(0);
  });
});
