#!/usr/bin/env node
// Installs what sonar-stream needs on a fresh machine, and nothing that is already there:
// Java and Maven (the Kafka broker comes from Maven Central), Redis and its Sentinel, Prometheus, kcat and
// Python's confluent-kafka, scikit-learn and avro from the system's packages (when run as
// root on Debian/Ubuntu), pnpm, and the workspace's dependencies. The Kafka jars themselves
// are fetched by `sonar stack up` on first start.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM_VERSION = '12.4.2';
const say = (message) => process.stderr.write(`bootstrap: ${message}\n`);

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
// Debian's python3-* packages install for its own Python; a python3 on PATH may be another one.
const SYSTEM_PYTHON = '/usr/bin/python3';
const pythonHas = (module) => spawnSync(SYSTEM_PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
const run = (command, args, options = {}) => execFileSync(command, args, { stdio: 'inherit', cwd: root, ...options });

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19) || major > 24) {
    throw new Error(`Node.js ${process.versions.node} is not supported: use Node 20.19 to 24`);
  }
}

const command = (name) => ({ what: name, present: () => has(name) });
const pythonModule = (name) => ({ what: `${SYSTEM_PYTHON} module ${name}`, present: () => pythonHas(name) });

/** Debian packages: what each provides → package. Required ones fail the bootstrap when they cannot be installed. */
const SYSTEM = [
  { ...command('java'), pkg: 'default-jre-headless', required: true, why: 'runs the Kafka broker' },
  { ...command('mvn'), pkg: 'maven', required: true, why: 'fetches the Kafka broker from Maven Central' },
  { ...command('redis-server'), pkg: 'redis-server', required: false, why: 'a local Redis when none answers' },
  { ...command('redis-sentinel'), pkg: 'redis-sentinel', required: false, why: 'the Sentinels of `sonar stack up --ha`' },
  { ...command('prometheus'), pkg: 'prometheus', required: false, why: 'metrics for the demo, and the dashboard test' },
  { ...command('kcat'), pkg: 'kcat', required: false, why: 'a baseline of sonar bench' },
  { ...pythonModule('confluent_kafka'), pkg: 'python3-confluent-kafka', required: false, why: 'the Python baseline of sonar bench' },
  { ...pythonModule('sklearn'), pkg: 'python3-sklearn', required: false, why: 'the Python baseline of sonar bench' },
  { ...pythonModule('avro'), pkg: 'python3-avro', required: false, why: 'the Avro interop test of the contracts, which fails without it' },
];

function systemPackages() {
  const missing = SYSTEM.filter((s) => !s.present());
  if (missing.length === 0) return;
  const canInstall = process.getuid?.() === 0 && has('apt-get');
  if (canInstall) {
    say(`installing ${missing.map((m) => m.pkg).join(', ')} with apt-get`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    run('apt-get', ['update', '-qq'], { env });
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing.map((m) => m.pkg)], { env });
    // Debian's packages start their daemons where systemd runs; the stack starts its own on loopback.
    return;
  }
  for (const m of missing) say(`${m.required ? 'missing' : 'optional, not installed'}: ${m.what} (${m.why}) — install the "${m.pkg}" package`);
  const required = missing.filter((m) => m.required);
  if (required.length > 0) throw new Error(`install ${required.map((m) => m.pkg).join(' and ')} first (or run this as root on Debian/Ubuntu)`);
}

function pnpm() {
  const version = spawnSync('pnpm', ['--version'], { encoding: 'utf8' }).stdout?.trim();
  if (version === PNPM_VERSION) return;
  say(`installing pnpm ${PNPM_VERSION} (found ${version || 'none'})`);
  run('npm', ['install', '--global', '--no-fund', '--no-audit', `pnpm@${PNPM_VERSION}`]);
}

function dependencies() {
  const marker = join(root, 'node_modules', '.modules.yaml');
  const lock = join(root, 'pnpm-lock.yaml');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  say('installing the workspace dependencies');
  run('pnpm', ['install', '--frozen-lockfile']);
}

try {
  checkNode();
  systemPackages();
  pnpm();
  dependencies();
} catch (error) {
  say(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
