import { isIP } from 'node:net';
import { connect } from 'node:tls';
import { KAFKA_TLS_ERROR } from '@sonar/runtime';
import type { KafkaConnection } from './client.ts';

/** A broker that is not there (yet): kafkajs' retries deal with it. */
const NOT_THERE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE']);

/**
 * A TLS handshake with the first bootstrap broker, before kafkajs connects: kafkajs retries a
 * certificate it does not trust as if the broker were down (for half a minute with the services'
 * settings), though no retry can mend it. Rejects with the handshake's error code.
 */
export async function checkBrokerTls(connection: KafkaConnection, timeoutMs = 3000): Promise<void> {
  if (!connection.ssl || connection.brokers.length === 0) return;
  const address = connection.brokers[0]!;
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at);
  const port = Number(address.slice(at + 1));
  const options = connection.ssl === true ? {} : connection.ssl;
  await new Promise<void>((resolve, reject) => {
    const refused = (error: NodeJS.ErrnoException) =>
      Object.assign(new Error(`TLS handshake with ${address} failed: ${error.message}`, { cause: error }), { name: KAFKA_TLS_ERROR, code: error.code });
    try {
      // The SNI name and the rest as kafkajs' own socket factory sets them.
      const socket = connect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...options }, () => {
        socket.destroy();
        resolve();
      });
      socket.setTimeout(timeoutMs, () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', (error: NodeJS.ErrnoException) => {
        socket.destroy();
        if (NOT_THERE.has(error.code ?? '')) resolve();
        else reject(refused(error));
      });
    } catch (error) {
      // A certificate and key that do not match, an unreadable PEM: thrown before any connection.
      reject(refused(error as NodeJS.ErrnoException));
    }
  });
}
