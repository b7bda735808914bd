/**
 * Throwaway certificate authorities and certificates for TLS tests (selfsigned, on node's WebCrypto),
 * written as PEM files with the modes a site would use: keys 0600.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from 'selfsigned';

export interface CertFiles {
  cert: string;
  key: string;
}

export interface TestCa extends CertFiles {
  name: string;
  /** A certificate this CA signs: a server's for 127.0.0.1, or a client's. */
  issue(commonName: string, file: string, use: 'server' | 'client'): Promise<CertFiles>;
}

async function write(dir: string, file: string, pems: { cert: string; private: string }): Promise<CertFiles> {
  const cert = path.join(dir, `${file}.crt`);
  const key = path.join(dir, `${file}.key`);
  writeFileSync(cert, pems.cert);
  writeFileSync(key, pems.private, { mode: 0o600 });
  return { cert, key };
}

export async function testCa(dir: string, name: string): Promise<TestCa> {
  const ca = await generate([{ name: 'commonName', value: `OnAir test CA ${name}` }], {
    algorithm: 'sha256',
    keySize: 2048,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const files = await write(dir, `ca-${name}`, ca);
  return {
    ...files,
    name,
    async issue(commonName, file, use) {
      const pems = await generate([{ name: 'commonName', value: commonName }], {
        algorithm: 'sha256',
        keySize: 2048,
        ca: { key: ca.private, cert: ca.cert },
        extensions: [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
          { name: 'extKeyUsage', serverAuth: use === 'server', clientAuth: use === 'client' },
          ...(use === 'server' ? [{ name: 'subjectAltName' as const, altNames: [{ type: 7 as const, ip: '127.0.0.1' }] }] : []),
        ],
      });
      return write(dir, file, pems);
    },
  };
}
