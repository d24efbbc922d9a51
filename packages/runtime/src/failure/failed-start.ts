import type { Shutdown } from '../shutdown.ts';

/**
 * A start that failed: reported once (unless a stop was asked for meanwhile, which is why it
 * failed), what it opened released, and the error to exit with returned.
 */
export async function failedStart(error: unknown, shutdown: Shutdown, report: (error: unknown) => Error): Promise<Error> {
  if (shutdown.started) return error instanceof Error ? error : new Error(String(error));
  const fatal = report(error);
  await shutdown.run('start failed').catch(() => undefined);
  return fatal;
}
