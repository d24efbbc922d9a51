/** OpenSSL's verdicts on a server certificate, as Node reports them in error.code. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);
const OUT_OF_DATE = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

type CertificateProblem = 'untrusted' | 'out-of-date' | 'wrong-name' | 'not-tls';

function certificateProblem(code: string | undefined): CertificateProblem | undefined {
  if (code === undefined) return undefined;
  if (UNTRUSTED.has(code)) return 'untrusted';
  if (OUT_OF_DATE.has(code)) return 'out-of-date';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'wrong-name';
  // A TLS client speaking to a plaintext port.
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG') return 'not-tls';
  return undefined;
}

/** The settings a TLS failure points at. */
export interface TlsSettings {
  ca: string;
  address: string;
  /** What to do when the server speaks no TLS there. */
  plaintext: string;
}

/** The line for a TLS failure of Kafka's or Redis' at `where`, or undefined when `code` is not one. */
export function tlsLine(server: 'Kafka' | 'Redis', where: string, code: string | undefined, settings: TlsSettings): string | undefined {
  switch (certificateProblem(code)) {
    case 'untrusted':
      return `${server}'s certificate is not trusted (${code}): set ${settings.ca} to the CA that signed it`;
    case 'out-of-date':
      return `${server}'s certificate is out of date (${code}): renew the server's certificate`;
    case 'wrong-name':
      return `${server}'s certificate does not name the host in ${settings.address} (${code}): use a name it holds`;
    case 'not-tls':
      return `${server} does not speak TLS at ${where} (${code}): ${settings.plaintext}`;
    default:
      return undefined;
  }
}

/** Codes of a server that is not there (yet): not a refusal. */
export const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET']);
