import cliProgress from 'cli-progress';

export interface Progress {
  update(value: number, payload?: object): void;
  stop(): void;
}

/** A progress bar with rate and ETA on stderr; without a terminal, a line every few seconds. */
export function progressBar(total: number, enabled: boolean): Progress {
  if (!enabled) return { update: () => undefined, stop: () => undefined };
  const started = Date.now();
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '{bar} {percentage}% | {value}/{total} readings | {speed}/s | ETA {eta_formatted}',
      noTTYOutput: true,
      notTTYSchedule: 5000,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { speed: 0 });
  let stopped = false;
  return {
    update: (value) => {
      if (stopped) return;
      const seconds = (Date.now() - started) / 1000;
      bar.update(value, { speed: Math.round(value / Math.max(seconds, 1e-3)) });
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
