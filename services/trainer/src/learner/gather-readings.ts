import { decodeReadingInto, labelValue, type RejectedRecord } from '@sonar/contracts';
import type { ConsumedBatch } from '@sonar/kafka';
import type { Intake } from './intake.ts';

/** What became of a fetched batch's records on their way into an intake. */
export interface Gathered {
  rejected: RejectedRecord[];
  holdout: number;
  unlabeled: number;
  /** Readings whose id was seen within the dedup window: retries, not learnt twice. */
  duplicates: number;
  /** The offset of the batch's last record, when it had any. */
  lastOffset: number | undefined;
}

/**
 * One fetched batch into the intake, top to bottom: decode each record not yet
 * consumed (a seek may replay some) straight into the intake's next row → keep the
 * labeled, non-holdout readings that are not a retry of an id seen within the window.
 * Records before the start position only rebuild the dedup window. The rejects come
 * back for the dead-letter topic; moving the position is the caller's (it counts changes).
 */
export function gatherReadings(intake: Intake, batch: ConsumedBatch, maxReadingBytes: number, now: number): Gathered {
  const { partition, messages } = batch;
  const position = intake.position(partition);
  const readFrom = intake.readFrom(partition);
  const rejected: RejectedRecord[] = [];
  let holdout = 0;
  let unlabeled = 0;
  let duplicates = 0;
  for (const record of messages) {
    const offset = Number(record.offset);
    if (offset < readFrom) continue;
    const { matrix, at } = intake.nextRow();
    const reading = decodeReadingInto(record.value, matrix, at, maxReadingBytes);
    // Before the start position: learnt (or dead-lettered) already; an id only rebuilds the dedup window.
    if (offset < position) {
      if (reading.ok && reading.id !== undefined) intake.rememberId(partition, offset, reading.id);
      continue;
    }
    if (!reading.ok) rejected.push({ record, reason: reading.reason, message: reading.message });
    else if (reading.id !== undefined && intake.isRetry(partition, offset, reading.id)) duplicates += 1;
    else if (reading.label === undefined) unlabeled += 1;
    else if (reading.holdout) holdout += 1;
    else intake.keep(labelValue(reading.label), partition, offset, now);
  }
  const last = messages.at(-1);
  return { rejected, holdout, unlabeled, duplicates, lastOffset: last ? Number(last.offset) : undefined };
}
