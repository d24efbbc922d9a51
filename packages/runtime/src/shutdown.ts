import type { Logger } from './logger.ts';

type Step = { name: string; run: () => Promise<unknown> | unknown };

/**
 * The one shutdown path of a process: steps run in the order they were added,
 * each even if an earlier one failed, within a grace period. Concurrent callers
 * share one run; a second signal exits at once.
 */
export class Shutdown {
  private readonly steps: Step[] = [];
  private running: Promise<void> | undefined;
  private signals = 0;

  constructor(
    private readonly logger: Logger,
    private readonly graceMs = 10_000,
  ) {}

  add(name: string, run: Step['run']): this {
    this.steps.push({ name, run });
    return this;
  }

  get started(): boolean {
    return this.running !== undefined;
  }

  run(reason: string): Promise<void> {
    this.running ??= this.execute(reason);
    return this.running;
  }

  /** SIGTERM and SIGINT start the shutdown; the process exits when it is done. */
  onSignals(exit: (code: number) => void = (code) => process.exit(code)): this {
    const handler = (signal: NodeJS.Signals) => {
      this.signals += 1;
      if (this.signals > 1) {
        this.logger.warn({ signal }, 'second signal: exiting now');
        exit(130);
        return;
      }
      this.run(signal).then(
        () => exit(0),
        () => exit(1),
      );
    };
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
    return this;
  }

  private async execute(reason: string): Promise<void> {
    this.logger.info({ reason }, 'shutting down');
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.graceMs);
      timer.unref();
    });
    let failed = false;
    for (const step of this.steps) {
      try {
        const outcome = await Promise.race([Promise.resolve().then(step.run), deadline]);
        if (outcome === 'timeout') {
          this.logger.error({ step: step.name, graceMs: this.graceMs }, 'shutdown grace period exceeded');
          failed = true;
          break;
        }
      } catch (error) {
        failed = true;
        this.logger.error({ step: step.name, err: error }, 'shutdown step failed; continuing');
      }
    }
    clearTimeout(timer);
    this.logger.info({ ms: Date.now() - started }, failed ? 'shut down with errors' : 'shut down');
    if (failed) throw new Error('shutdown incomplete');
  }
}

/** A service started in this process: what `sonar <service>` and the tests hold on to. */
export interface RunningService {
  /** The HTTP port it listens on (useful with port 0). */
  port: number;
  /** Resolves when the service has shut down. */
  done: Promise<void>;
  stop(reason?: string): Promise<void>;
}
