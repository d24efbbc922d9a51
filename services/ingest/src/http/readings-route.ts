import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RejectReason } from '@sonar/contracts';
import { DeadlineExceeded, withDeadline, type Logger } from '@sonar/runtime';
import type { IngestMetrics } from '../metrics.ts';
import type { ReadingPublisher } from '../publisher.ts';
import { bearerMatches } from './bearer.ts';
import { parseReadingsBody } from './parse-body.ts';
import type { RetryLedger } from './retry-ledger.ts';

export interface ReadingsRouteDeps {
  publisher: ReadingPublisher;
  /** The ids on their way to Kafka, and the last ones written: a retry of them is not sent twice. */
  ledger: RetryLedger;
  metrics: IngestMetrics;
  logger: Logger;
  token: string | undefined;
  /** How long a request waits for Kafka's acknowledgement before answering 503. */
  ackTimeoutMs: number;
  /** Most readings one request may carry (413 past it). */
  maxReadings: number;
  /** Most readings accepted but not yet acknowledged by Kafka: past it, 503 at once (memory stays bounded). */
  maxPending: number;
  /** True when Kafka refused the readings for good (credentials, ACL): the service stops, this request gets 503. */
  refused: (error: unknown) => boolean;
}

/** At most this many per-item errors are echoed back; the rest are counted. */
export const MAX_ERRORS_ECHOED = 100;
const RETRY_AFTER_SECONDS = '5';

interface ItemError {
  index: number;
  reason: RejectReason;
  message: string;
}

/**
 * POST /readings. 202 when every reading was published; 400 when some were invalid
 * (the valid ones are still published, and `published` lists them); 401 without the
 * right bearer token, checked before the body is read; 413 above the body limit
 * (Fastify's) or the reading limit; nothing sent (499, to no one) when the client left
 * before its request was handled; 503 when Kafka does not acknowledge in time, or at
 * once while too much waits for it, or when the producer gave up on them, or when it
 * refused them (the service then stops). The answer comes after Kafka acknowledged the
 * readings, so an accepted one is never lost; a retry with the same ids is harmless:
 * ingest does not send again a reading still on its way or among the last it wrote (see
 * RetryLedger), and the trainer drops a reading id it has seen within its window.
 */
export function readingsRoute(deps: ReadingsRouteDeps) {
  return (app: FastifyInstance) => {
    app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string' }, (_request, body, done) => done(null, body));
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    app.post('/readings', { onRequest: authorize(deps) }, async (request, reply) => {
      const timer = deps.metrics.requestSeconds.startTimer();
      const answer = (status: number, body: object) => {
        timer({ status: String(status) });
        return reply.code(status).send(body);
      };
      // Its client gave up while the request waited to be handled (ingest was slow): nothing is sent for no one to
      // acknowledge, so that its retry carries the only copy.
      if (reply.raw.destroyed) return answer(499, { error: 'client_closed_request', message: 'the client left before its request was handled' });
      // A reading the configured wire format cannot carry is refused like any other invalid item.
      const items = parseReadingsBody(String(request.body ?? ''), request.headers['content-type'] ?? 'application/json').map((item) =>
        item.ok ? (deps.publisher.refusal(item.value) ?? item) : item,
      );
      if (items.length > deps.maxReadings) {
        return answer(413, { error: 'too_many_readings', message: `a request may carry at most ${deps.maxReadings} readings; this one has ${items.length}: split it` });
      }
      const valid = items.flatMap((item, index) => (item.ok ? [{ index, reading: item.value }] : []));
      const errors: ItemError[] = items.flatMap((item, index) => (item.ok ? [] : [{ index, reason: item.reason, message: item.message }]));
      let repeated = 0;
      if (valid.length > 0) {
        const readings = valid.map((v) => v.reading);
        if (deps.publisher.pending + deps.ledger.countNew(readings) > deps.maxPending) {
          reply.header('retry-after', RETRY_AFTER_SECONDS);
          return answer(503, { error: 'kafka_backlog', message: `${deps.publisher.pending} readings wait for Kafka already: retry later with the same ids` });
        }
        const publishing = deps.ledger.publish(readings, (fresh) => deps.publisher.publish(fresh));
        repeated = publishing.repeated;
        try {
          await withDeadline(publishing.written, deps.ackTimeoutMs);
        } catch (error) {
          // The reason is in the service's log, not for the client: it names the principal.
          if (deps.refused(error)) return answer(503, { error: 'kafka_refused', message: 'Kafka refused the readings: ingest is stopping' });
          reply.header('retry-after', RETRY_AFTER_SECONDS);
          if (!(error instanceof DeadlineExceeded)) {
            // The producer gave up on them (a broker away longer than the client's connection retries): not taken, to be sent again.
            deps.logger.warn({ err: error instanceof Error ? error.message : String(error), readings: readings.length }, 'Kafka did not take the readings of a request; answered 503');
            return answer(503, { error: 'kafka_unavailable', message: 'Kafka did not take the readings: retry with the same ids' });
          }
          // They may still be written: then a retry of them is acknowledged without sending them again.
          return answer(503, {
            error: 'kafka_unavailable',
            message: `Kafka did not acknowledge within ${deps.ackTimeoutMs} ms; the readings may still arrive: retry with the same ids`,
          });
        }
      }
      deps.metrics.readings.inc(valid.length);
      if (repeated > 0) deps.metrics.repeated.inc(repeated);
      for (const error of errors) deps.metrics.rejected.inc({ reason: error.reason });
      return answer(errors.length === 0 ? 202 : 400, {
        accepted: valid.length,
        rejected: errors.length,
        published: valid.map((v) => ({ index: v.index, id: v.reading.id ?? null })),
        errors: errors.slice(0, MAX_ERRORS_ECHOED),
        ...(errors.length > MAX_ERRORS_ECHOED ? { errorsOmitted: errors.length - MAX_ERRORS_ECHOED } : {}),
      });
    });
  };
}

/** Runs before the body is read: an unauthorised client costs no parsing. */
function authorize(deps: ReadingsRouteDeps) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (deps.token === undefined || bearerMatches(request.headers.authorization, deps.token)) return;
    deps.metrics.requestSeconds.observe({ status: '401' }, 0);
    await reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'a valid bearer token is required' });
  };
}
