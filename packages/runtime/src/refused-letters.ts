import type { Counter } from 'prom-client';
import type { Logger } from './logger.ts';

/** What a refused dead letter is known by: the record's coordinates and why it was rejected. */
export interface RefusedLetter {
  record: { offset: string };
  reason: string;
}

/**
 * Letters the dead-letter topic refused (deleted, a limit too small, no broker): counted,
 * and each record logged with its coordinates, so that nothing is lost silently; the
 * service goes on.
 */
export function reportRefusedLetters(
  counter: Counter,
  logger: Logger,
  where: { topic: string; partition: number; deadLetterTopic: string },
  letters: readonly RefusedLetter[],
  error: string,
): void {
  counter.inc(letters.length);
  for (const letter of letters) {
    logger.error({ ...where, offset: letter.record.offset, reason: letter.reason, err: error }, 'the dead-letter topic refused a letter: the record is skipped');
  }
}
