import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ImagegateError, errorMessage } from '../errors/index.js';

/** One CA certificate of a caBundle, as printed to the operator. */
export interface TrustedCa {
  readonly pem: string;
  readonly subject: string;
  /** ISO 8601 expiry. */
  readonly notAfter: string;
  readonly fingerprint256: string;
}

export interface ReadTrustedCasOptions {
  /** PEM files, each holding one or more CA certificates (a `ca.crt`, or an old caBundle decoded). */
  readonly files: readonly string[];
  readonly now: () => Date;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----\r?\n[\s\S]*?-----END CERTIFICATE-----/g;

function unreadable(message: string, cause?: unknown): ImagegateError {
  return new ImagegateError('IMAGEGATE_CERTS_UNREADABLE', message, cause === undefined ? undefined : { cause });
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw unreadable(`cannot read --trust file ${file}: ${errorMessage(err)}; pass the ca.crt of the CA to keep trusting`, err);
  }
}

/** LF line ends and one trailing newline: what the API server and openssl expect in a bundle. */
function normalisePem(block: string): string {
  return `${block.replace(/\r\n/g, '\n').trim()}\n`;
}

function parseBlock(block: string, file: string, index: number): X509Certificate {
  try {
    return new X509Certificate(block);
  } catch (err) {
    throw unreadable(`certificate ${index + 1} in --trust file ${file} does not parse: ${errorMessage(err)}`, err);
  }
}

/**
 * A caBundle entry must be a CA that is valid now: a serving (leaf) certificate there would
 * make the API server trust only that one certificate and fail after the next renewal, and an
 * expired CA verifies nothing while hiding which CA is really in use.
 */
function checkUsable(cert: X509Certificate, file: string, at: Date): void {
  if (!cert.ca) {
    throw new ImagegateError(
      'IMAGEGATE_CERTS_INVALID_OPTION',
      `--trust file ${file} holds ${cert.subject.replace(/\n/g, ', ')}, which is not a CA certificate (basicConstraints CA:FALSE); pass the CA's ca.crt, not tls.crt`,
    );
  }
  const notAfter = Date.parse(cert.validTo);
  if (notAfter <= at.getTime()) {
    throw new ImagegateError(
      'IMAGEGATE_CERTS_INVALID_OPTION',
      `--trust file ${file} holds a CA that expired at ${new Date(notAfter).toISOString()}, before now (${at.toISOString()}); drop it from the bundle`,
    );
  }
}

/**
 * Reads every CA certificate of every file, in order, without duplicates (by SHA-256
 * fingerprint). Throws IMAGEGATE_CERTS_UNREADABLE for a missing file or one without PEM
 * certificates, IMAGEGATE_CERTS_INVALID_OPTION for a certificate that is not a CA or has expired.
 */
export async function readTrustedCas(opts: ReadTrustedCasOptions): Promise<readonly TrustedCa[]> {
  const at = opts.now();
  const out: TrustedCa[] = [];
  for (const file of opts.files) {
    const blocks = (await readText(file)).match(PEM_BLOCK) ?? [];
    if (blocks.length === 0) {
      throw unreadable(`--trust file ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----); pass a ca.crt`);
    }
    blocks.forEach((block, index) => {
      const cert = parseBlock(block, file, index);
      checkUsable(cert, file, at);
      out.push(describeCa(normalisePem(block), cert));
    });
  }
  return dedupe(out);
}

export function describeCa(pem: string, cert: X509Certificate = new X509Certificate(pem)): TrustedCa {
  return {
    pem,
    subject: cert.subject.replace(/\n/g, ', '),
    notAfter: new Date(Date.parse(cert.validTo)).toISOString(),
    fingerprint256: cert.fingerprint256,
  };
}

/** The first occurrence of each certificate wins, so the bundle keeps the order it was given in. */
export function dedupe(cas: readonly TrustedCa[]): readonly TrustedCa[] {
  const seen = new Set<string>();
  return cas.filter((ca) => {
    if (seen.has(ca.fingerprint256)) return false;
    seen.add(ca.fingerprint256);
    return true;
  });
}

/** The `caBundle` value: base64 of the concatenated PEM certificates. */
export function encodeCaBundle(cas: readonly TrustedCa[]): string {
  return Buffer.from(cas.map((ca) => ca.pem).join(''), 'utf8').toString('base64');
}
