import { createHash } from 'node:crypto';
import { BUNDLE_V01_MEDIA_TYPE } from '@sigstore/bundle';
import { pem, X509Certificate } from '@sigstore/core';
import { errorMessage } from '../../errors/index.js';
import type { CosignLayer } from './verify.js';

/** Cosign's layer media types: a simple-signing payload signed as a message, or a DSSE envelope. */
export const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const DSSE_ENVELOPE = 'application/vnd.dsse.envelope.v1+json';

export type LayerBundle =
  | { readonly ok: true; readonly json: Record<string, unknown>; readonly artifact?: Uint8Array }
  | { readonly ok: false; readonly reason: string };

/**
 * The Sigstore bundle (v0.1) equivalent to a legacy cosign keyless layer, so that one verifier
 * checks both: the certificate and chain annotations as the x509 chain, the Rekor bundle
 * annotation (SET, integrated time, log index, log id, canonicalized body) as a tlog entry with
 * an inclusion promise, and the payload as a message signature (its sha256 computed here, never
 * taken from the layer) or, for attestation layers, the DSSE envelope it holds.
 */
export function layerToBundle(layer: CosignLayer): LayerBundle {
  if (layer.certificate === undefined) {
    return {
      ok: false,
      reason:
        'the layer carries no certificate (annotation dev.sigstore.cosign/certificate): it is a key-based signature, checked against the configured keys',
    };
  }
  const certs = certificates(layer.certificate, layer.chain);
  if (typeof certs === 'string') return { ok: false, reason: certs };
  const tlog = tlogEntries(layer.rekorBundle);
  if (typeof tlog === 'string') return { ok: false, reason: tlog };
  const verificationMaterial = {
    x509CertificateChain: { certificates: certs.map((der) => ({ rawBytes: der.toString('base64') })) },
    tlogEntries: tlog,
  };
  switch (layer.mediaType) {
    case SIMPLE_SIGNING: {
      const digest = createHash('sha256').update(layer.payload).digest('base64');
      return {
        ok: true,
        artifact: layer.payload,
        json: {
          mediaType: BUNDLE_V01_MEDIA_TYPE,
          verificationMaterial,
          messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest }, signature: layer.signature },
        },
      };
    }
    case DSSE_ENVELOPE: {
      const envelope = parseJson(layer.payload);
      if (typeof envelope === 'string') {
        return { ok: false, reason: `the layer's DSSE envelope is not JSON: ${envelope}` };
      }
      return { ok: true, json: { mediaType: BUNDLE_V01_MEDIA_TYPE, verificationMaterial, dsseEnvelope: envelope } };
    }
    default:
      return {
        ok: false,
        reason: `the layer's media type is ${layer.mediaType}, expected ${SIMPLE_SIGNING} or ${DSSE_ENVELOPE}`,
      };
  }
}

/** The leaf then the chain, as DER; or why they are not PEM certificates. */
function certificates(leafPem: string, chainPem: string | undefined): Buffer[] | string {
  const blocks = [...pemBlocks(leafPem), ...(chainPem === undefined ? [] : pemBlocks(chainPem))];
  if (pemBlocks(leafPem).length !== 1) {
    return 'the certificate annotation (dev.sigstore.cosign/certificate) is not exactly one PEM certificate';
  }
  try {
    const ders = blocks.map((block) => pem.toDER(block));
    for (const der of ders) X509Certificate.parse(der);
    return ders;
  } catch (err) {
    return `a certificate annotation (certificate or chain) is not a PEM X.509 certificate: ${errorMessage(err)}`;
  }
}

function pemBlocks(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
}

/**
 * Cosign's Rekor bundle annotation, {"SignedEntryTimestamp": b64, "Payload": {"body": b64,
 * "integratedTime": s, "logIndex": n, "logID": hex}}, as a bundle tlog entry; none when absent.
 */
function tlogEntries(rekorBundle: string | undefined): Record<string, unknown>[] | string {
  if (rekorBundle === undefined) return [];
  const parsed = parseJson(Buffer.from(rekorBundle, 'utf8'));
  if (typeof parsed === 'string')
    return `the Rekor bundle annotation (dev.sigstore.cosign/bundle) is not JSON: ${parsed}`;
  const set = parsed.SignedEntryTimestamp;
  const payload = parsed.Payload;
  if (typeof set !== 'string' || typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return 'the Rekor bundle annotation has no SignedEntryTimestamp and Payload';
  }
  const p = Object.fromEntries(Object.entries(payload));
  const { body, integratedTime, logIndex, logID } = p;
  if (
    typeof body !== 'string' ||
    !Number.isSafeInteger(integratedTime) ||
    !Number.isSafeInteger(logIndex) ||
    typeof logID !== 'string' ||
    !/^[0-9a-f]{64}$/.test(logID)
  ) {
    return 'the Rekor bundle Payload lacks body, integratedTime, logIndex or a hex logID';
  }
  const kindVersion = kindVersionOf(body);
  if (typeof kindVersion === 'string') return kindVersion;
  return [
    {
      logIndex: String(logIndex),
      logId: { keyId: Buffer.from(logID, 'hex').toString('base64') },
      kindVersion,
      integratedTime: String(integratedTime),
      inclusionPromise: { signedEntryTimestamp: set },
      canonicalizedBody: body,
    },
  ];
}

function kindVersionOf(bodyB64: string): { kind: string; version: string } | string {
  const body = parseJson(Buffer.from(bodyB64, 'base64'));
  if (typeof body === 'string') return `the Rekor entry body is not JSON: ${body}`;
  const { kind, apiVersion } = body;
  if (typeof kind !== 'string' || typeof apiVersion !== 'string')
    return 'the Rekor entry body has no kind and apiVersion';
  return { kind, version: apiVersion };
}

/** A JSON object, or why the bytes are not one. */
export function parseJson(bytes: Uint8Array): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    return errorMessage(err);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'it is not a JSON object';
  return Object.fromEntries(Object.entries(value));
}
