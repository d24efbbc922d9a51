import type { FastifyInstance } from 'fastify';
import type { RejectReason } from '@sonar/contracts';
import { DeadlineExceeded, withDeadline, type Logger } from '@sonar/runtime';
import type { IngestMetrics } from '../metrics.ts';
import type { ReadingPublisher } from '../publisher.ts';
import { bearerMatches } from './bearer.ts';
import { parseReadingsBody } from './parse-body.ts';

export interface ReadingsRouteDeps {
  publisher: ReadingPublisher;
  metrics: IngestMetrics;
  logger: Logger;
  token: string | undefined;
  /** How long a request waits for Kafka's acknowledgement before answering 503. */
  ackTimeoutMs: number;
}

interface ItemError {
  index: number;
  reason: RejectReason;
  message: string;
}

/**
 * POST /readings. 202 when every reading was published; 400 when some were
 * invalid (the valid ones are still published, and `published` lists them);
 * 401 without the right bearer token; 413 above the body limit (Fastify's); 503 when
 * Kafka does not acknowledge in time.
 * The answer comes after Kafka acknowledged the readings, so an accepted one is never lost.
 */
export function readingsRoute(deps: ReadingsRouteDeps) {
  return (app: FastifyInstance) => {
    app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string' }, (_request, body, done) => done(null, body));
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    app.post('/readings', async (request, reply) => {
      const timer = deps.metrics.requestSeconds.startTimer();
      if (deps.token !== undefined && !bearerMatches(request.headers.authorization, deps.token)) {
        timer({ status: '401' });
        return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'a valid bearer token is required' });
      }
      // A reading the configured wire format cannot carry is refused like any other invalid item.
      const items = parseReadingsBody(String(request.body ?? ''), request.headers['content-type'] ?? 'application/json').map((item) =>
        item.ok ? (deps.publisher.refusal(item.value) ?? item) : item,
      );
      const valid = items.flatMap((item, index) => (item.ok ? [{ index, reading: item.value }] : []));
      const errors: ItemError[] = items.flatMap((item, index) => (item.ok ? [] : [{ index, reason: item.reason, message: item.message }]));
      if (valid.length > 0) {
        try {
          // Bounded waiting: while Kafka is away, requests get 503 instead of piling up.
          await withDeadline(
            deps.publisher.whenWritable().then(() => deps.publisher.publish(valid.map((v) => v.reading))),
            deps.ackTimeoutMs,
          );
        } catch (error) {
          if (!(error instanceof DeadlineExceeded)) throw error;
          timer({ status: '503' });
          return reply.code(503).header('retry-after', '5').send({
            error: 'kafka_unavailable',
            message: `Kafka did not acknowledge within ${deps.ackTimeoutMs} ms; the readings may still arrive: retry with the same ids`,
          });
        }
      }
      deps.metrics.readings.inc(valid.length);
      for (const error of errors) deps.metrics.rejected.inc({ reason: error.reason });
      const status = errors.length === 0 ? 202 : 400;
      timer({ status: String(status) });
      return reply.code(status).send({
        accepted: valid.length,
        rejected: errors.length,
        published: valid.map((v) => ({ index: v.index, id: v.reading.id ?? null })),
        errors,
      });
    });
  };
}
