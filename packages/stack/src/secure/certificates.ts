import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { which } from '../which.ts';
import type { Reporter } from '../types.ts';

const run = promisify(execFile);

/** The subject of the server certificate: the broker's principal on its mutual-TLS controller listener. */
export const SERVER_CERTIFICATE_SUBJECT = 'CN=sonar-broker';

/** Loopback names clients may dial; the certificate is valid for each. */
export const LOOPBACK_NAMES = ['DNS:localhost', 'IP:127.0.0.1', 'IP:::1'];
const VALID_DAYS = '825';
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-noenc'];

export interface TlsFiles {
  /** The local CA: the one certificate clients must trust. */
  ca: string;
  caKey: string;
  /** The server certificate and key of both the broker and Redis. */
  cert: string;
  key: string;
  /** Key and certificate in one PEM file, as Kafka's PEM keystore wants them. */
  keystore: string;
}

export function tlsFiles(dir: string): TlsFiles {
  return {
    ca: join(dir, 'ca.pem'),
    caKey: join(dir, 'ca.key'),
    cert: join(dir, 'server.pem'),
    key: join(dir, 'server.key'),
    keystore: join(dir, 'server-keystore.pem'),
  };
}

/** A CA and a server certificate it signed for these names, made with openssl once (the server's again when it expires). */
export async function ensureCertificates(dir: string, report: Reporter, names: string[] = LOOPBACK_NAMES): Promise<TlsFiles> {
  const files = tlsFiles(dir);
  const openssl = which('openssl');
  if (!openssl) throw new Error('the secured stack makes its certificates with openssl, which is not installed (apt-get install openssl)');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existsSync(files.ca) || !existsSync(files.caKey)) {
    report(`tls: creating a local CA in ${dir}`);
    await runOpenssl(openssl, ['req', '-x509', ...EC_KEY, '-keyout', files.caKey, '-out', files.ca, '-days', VALID_DAYS, '-subj', '/CN=sonar-stream local CA']);
  }
  if (!existsSync(files.keystore) || !(await stillValid(openssl, files.cert))) {
    report(`tls: issuing the server certificate (${names.join(',')})`);
    await runOpenssl(openssl, [
      'req', '-x509', ...EC_KEY, '-keyout', files.key, '-out', files.cert, '-days', VALID_DAYS,
      '-CA', files.ca, '-CAkey', files.caKey, '-subj', `/${SERVER_CERTIFICATE_SUBJECT}`,
      '-addext', `subjectAltName=${names.join(',')}`,
      '-addext', 'basicConstraints=critical,CA:FALSE',
      // Client too: the broker presents it to its own controller listener.
      '-addext', 'extendedKeyUsage=serverAuth,clientAuth',
    ]);
    writeFileSync(files.keystore, readFileSync(files.key, 'utf8') + readFileSync(files.cert, 'utf8'), { mode: 0o600 });
  }
  for (const secret of [files.caKey, files.key, files.keystore]) chmodSync(secret, 0o600);
  return files;
}

async function runOpenssl(openssl: string, args: string[]): Promise<void> {
  try {
    await run(openssl, args);
  } catch (error) {
    throw new Error(`openssl ${args[0]} failed: ${((error as { stderr?: string }).stderr ?? String(error)).trim()}`);
  }
}

/** False when the certificate expires within a day. */
async function stillValid(openssl: string, cert: string): Promise<boolean> {
  if (!existsSync(cert)) return false;
  return run(openssl, ['x509', '-checkend', '86400', '-noout', '-in', cert]).then(
    () => true,
    () => false,
  );
}
