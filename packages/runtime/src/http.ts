import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Logger } from './logger.ts';

export interface HttpOptions {
  host: string;
  port: number;
  registry: Registry;
  logger: Logger;
  /** Why the service is not ready to serve (Kafka unreachable, no model yet, ...), or undefined when it is. */
  notReady: () => string | undefined;
  /** Largest request body accepted; larger ones get 413. */
  bodyLimit?: number;
  /** HTTPS with this certificate (chain) and key, PEM; plain HTTP without. */
  tls?: { cert: string; key: string } | undefined;
  routes?: (app: FastifyInstance) => void;
}

export interface HttpServer {
  app: FastifyInstance;
  /** The bound port (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

/** /metrics, /healthz and /readyz, plus the service's own routes. */
export async function startHttpServer(options: HttpOptions): Promise<HttpServer> {
  const settings = { logger: false, bodyLimit: options.bodyLimit ?? 1024 * 1024 };
  // The routes are the same over HTTPS; only the server type differs.
  const app = (options.tls ? Fastify({ ...settings, https: options.tls }) : Fastify(settings)) as unknown as FastifyInstance;
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const reason = options.notReady();
    return reason === undefined ? reply.code(200).send({ status: 'ready' }) : reply.code(503).send({ status: 'not ready', reason });
  });
  app.get('/metrics', async (_request, reply) => {
    const body = await options.registry.metrics();
    return reply.type(options.registry.contentType).send(body);
  });
  options.routes?.(app);
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  options.logger.info({ host: options.host, port, https: options.tls !== undefined }, 'http listening');
  return { app, port, close: () => closeGracefully(app) };
}

/**
 * Stops accepting connections and lets in-flight requests finish; keep-alive
 * connections that turn idle meanwhile are closed too, or close() would wait for
 * their keep-alive timeout.
 */
async function closeGracefully(app: FastifyInstance): Promise<void> {
  const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
  try {
    await app.close();
  } finally {
    clearInterval(sweep);
  }
}
