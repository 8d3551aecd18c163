// Throwaway TLS material for the loopback emulator, made with the openssl CLI: a private CA, a server
// certificate for 127.0.0.1/localhost signed by it, and RSA client certificates for certificate sign-in.
// Clients trust the CA (NODE_EXTRA_CA_CERTS or an https `ca` option), never the leaf itself.

import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const OPENSSL = process.env.OPENSSL ?? 'openssl';
const VALID_DAYS = '7';

export interface ServerCertificates {
  /** Temp folder holding every file below. */
  dir: string;
  /** PEM of the CA: what clients put in NODE_EXTRA_CA_CERTS. */
  caCertPath: string;
  certPath: string;
  keyPath: string;
}

export interface ClientCertificate {
  /** PEM with the private key followed by the certificate (what ClientCertificateCredential reads). */
  pemPath: string;
  certificatePem: string;
  privateKeyPem: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  await run(OPENSSL, args, { cwd });
}

/** Makes a CA and a server certificate whose SAN covers IP 127.0.0.1 and DNS localhost. */
export async function createServerCertificates(): Promise<ServerCertificates> {
  const dir = await mkdtemp(join(tmpdir(), 'graph-emulator-'));
  try {
    // EC keys: generated in milliseconds, and TLS needs nothing more.
    await openssl([
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', 'ca.key', '-out', 'ca.pem', '-days', VALID_DAYS,
      '-subj', '/CN=Security Posture Graph Emulator Test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ], dir);
    await openssl([
      'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1',
    ], dir);
    await writeFile(join(dir, 'server.ext'), [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid,issuer',
      '',
    ].join('\n'));
    await openssl([
      'x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', randomSerial(),
      '-days', VALID_DAYS, '-extfile', 'server.ext', '-out', 'server.pem',
    ], dir);
    // The CA key has done its job; nobody should be able to sign more with it.
    await rm(join(dir, 'ca.key'));
    return { dir, caCertPath: join(dir, 'ca.pem'), certPath: join(dir, 'server.pem'), keyPath: join(dir, 'server.key') };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Makes a self-signed RSA certificate for an app registration (MSAL signs client assertions with RS256/PS256). */
export async function createClientCertificate(dir: string, name = 'client'): Promise<ClientCertificate> {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.crt`);
  await openssl([
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile,
    '-days', VALID_DAYS, '-subj', `/CN=${name}`,
  ], dir);
  const [privateKeyPem, certificatePem] = await Promise.all([readFile(keyFile, 'utf8'), readFile(certFile, 'utf8')]);
  const pemPath = join(dir, `${name}.pem`);
  await writeFile(pemPath, privateKeyPem + certificatePem);
  return { pemPath, certificatePem, privateKeyPem };
}

/** SHA-1 and SHA-256 thumbprints, base64url as in a JWT's `x5t` / `x5t#S256` header. */
export function thumbprints(certificatePem: string): { x5t: string; x5tS256: string } {
  const cert = new X509Certificate(certificatePem);
  const hex = (fingerprint: string) => Buffer.from(fingerprint.replace(/:/g, ''), 'hex').toString('base64url');
  return { x5t: hex(cert.fingerprint), x5tS256: hex(cert.fingerprint256) };
}

function randomSerial(): string {
  return `0x${Date.now().toString(16)}${Math.floor(Math.random() * 0xffff).toString(16)}`;
}
