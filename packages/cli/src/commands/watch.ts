import { DEFAULT_PORTS } from '@sonar/contracts';
import { Command, InvalidArgumentError, Option } from 'commander';
import { integer } from '../parse.ts';
import { localUrl, servicePort, workerPorts } from '../ports.ts';
import { watch } from '../watch/run.ts';

interface WatchFlags {
  ingest: string;
  trainer: string;
  scorer: string;
  workers: string[];
  interval: number;
  once: boolean;
  frames?: number;
  plain: boolean;
}

export function watchCommand(): Command {
  return new Command('watch')
    .description("a live terminal dashboard from the services' /metrics: cost curve, accuracy, readings/s, model version, dead letters, latency")
    .option('--ingest <url>', 'ingest service', httpUrl(), localUrl(servicePort('INGEST_PORT', DEFAULT_PORTS.ingest)))
    .option('--trainer <url>', 'trainer service (in parallel mode the applier)', httpUrl(), localUrl(servicePort('TRAINER_PORT', DEFAULT_PORTS.trainer)))
    .option('--scorer <url>', 'scorer service', httpUrl(), localUrl(servicePort('SCORER_PORT', DEFAULT_PORTS.scorer)))
    .addOption(
      new Option('--workers <urls>', 'parallel mode\'s gradient workers, comma-separated, each shown once it answers ("" for none)')
        .argParser(httpUrls())
        .default(defaultWorkerUrls(), 'TRAINER_WORKER_PORTS, or 9103,9104,9105, on 127.0.0.1'),
    )
    .option('--interval <ms>', 'refresh period in milliseconds', integer(100), 1000)
    .option('--once', 'print one frame, after two scrapes --interval apart so rates exist, and exit', false)
    .option('--frames <n>', 'draw n frames, then exit (for scripts)', integer(1))
    .option('--plain', 'no cursor movement or colors: each frame in full, separated by a line of dashes (the default when stdout is not a terminal)', false)
    .action(async (flags: WatchFlags) => {
      const out = process.stdout;
      const plain = flags.plain || !out.isTTY;
      const abort = new AbortController();
      const stop = () => abort.abort();
      // Ctrl-C is how a dashboard is left: a clean exit 0, with the cursor back.
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      // `sonar watch --plain | head` closes the pipe: that ends the watch, not with a stack trace.
      out.on('error', stop);
      try {
        await watch({
          urls: { ingest: flags.ingest, trainer: flags.trainer, scorer: flags.scorer },
          workers: flags.workers,
          intervalMs: flags.interval,
          frames: flags.once ? 1 : (flags.frames ?? Number.POSITIVE_INFINITY),
          // --once prints its frame where the cursor is, like any command's output.
          redraw: !plain && !flags.once,
          color: !plain && !process.env.NO_COLOR,
          out,
          signal: abort.signal,
        });
      } finally {
        process.removeListener('SIGINT', stop);
        process.removeListener('SIGTERM', stop);
        out.removeListener('error', stop);
      }
    });
}

function httpUrls() {
  const one = httpUrl();
  return (value: string): string[] => value.split(',').map((url) => url.trim()).filter(Boolean).map(one);
}

function httpUrl() {
  return (value: string): string => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new InvalidArgumentError('expected a URL such as http://127.0.0.1:9101');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('expected an http:// or https:// URL');
    return value;
  };
}

/** The workers' URLs for --workers' default: set up with every command, so a bad TRAINER_WORKER_PORTS leaves the contract's ports (and `sonar demo` reports it). */
function defaultWorkerUrls(): string[] {
  try {
    return workerPorts().map(localUrl);
  } catch {
    return DEFAULT_PORTS.trainerWorkers.map(localUrl);
  }
}
