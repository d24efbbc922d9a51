import type { Logger } from '../logger.ts';
import { ExplainedFailure, explainFailure, type FailureContext } from './explain-failure.ts';

/**
 * A failure the service cannot go on from, logged once as one fatal line (the explanation, or
 * `fallback` with the error); returns what to exit with: the CLI prints its message.
 */
export function reportFatal(logger: Logger, error: unknown, context: FailureContext, fallback: string): Error {
  const explained = explainFailure(error, context);
  if (explained) {
    logger.fatal({ problem: explained.problem }, explained.line);
    return new ExplainedFailure(explained, error);
  }
  logger.fatal({ err: error }, fallback);
  return error instanceof Error ? error : new Error(String(error));
}
