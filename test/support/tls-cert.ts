/** A throwaway self-signed certificate for 127.0.0.1 (openssl), as its own CA: for https and SMTP test servers. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execTool } from './exec.js';

export interface TestCertificate {
  certPath: string;
  keyPath: string;
  cert: Buffer;
  key: Buffer;
}

/** A P-256 certificate valid two days for IP 127.0.0.1 and localhost, written as DIR/NAME.pem + DIR/NAME-key.pem. */
export async function makeSelfSignedCert(dir: string, name = 'cert'): Promise<TestCertificate> {
  const certPath = path.join(dir, `${name}.pem`);
  const keyPath = path.join(dir, `${name}-key.pem`);
  await execTool('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', keyPath, '-out', certPath,
  ]);
  return { certPath, keyPath, cert: await readFile(certPath), key: await readFile(keyPath) };
}
