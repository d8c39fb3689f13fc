import { readFile, stat } from 'node:fs/promises';
import { isMap, isScalar, isSeq, parseAllDocuments, type Document, type Scalar } from 'yaml';
import { ImagegateError, errorMessage } from '../errors/index.js';
import { writeFileAtomic } from './files.js';

/** One webhook whose clientConfig.caBundle a patch sets. */
export interface WebhookTarget {
  readonly kind: WebhookKind;
  /** metadata.name of the configuration; '(unnamed)' when absent (a kustomize patch may omit it). */
  readonly configuration: string;
  readonly webhook: string;
}

/** A manifest file read and checked, ready to receive a caBundle. Nothing is written yet. */
export interface ManifestPatch {
  readonly file: string;
  readonly targets: readonly WebhookTarget[];
  /** The file's text with every target's caBundle set to `caBundle` (base64). */
  render(caBundle: string): string;
  /** Permission bits of the file, kept when it is rewritten. */
  readonly mode: number;
}

const WEBHOOK_KINDS = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'] as const;
type WebhookKind = (typeof WEBHOOK_KINDS)[number];

/** Where an existing caBundle scalar sits in the text, and how it was quoted. */
interface Splice {
  readonly start: number;
  readonly end: number;
  readonly quote: '' | '"' | "'";
}

interface Located {
  readonly target: WebhookTarget;
  readonly docIndex: number;
  readonly webhookIndex: number;
  /** Absent when the webhook has no caBundle scalar in a form the text can be spliced at. */
  readonly splice?: Splice;
}

function invalid(file: string, problem: string, cause?: unknown): ImagegateError {
  return new ImagegateError(
    'IMAGEGATE_CERTS_MANIFEST_INVALID',
    `--patch-manifests ${file}: ${problem}`,
    cause === undefined ? undefined : { cause },
  );
}

function isWebhookKind(value: unknown): value is WebhookKind {
  return WEBHOOK_KINDS.some((kind) => kind === value);
}

function spliceOf(node: unknown): Splice | undefined {
  if (!isScalar(node) || node.range === undefined || node.range === null) return undefined;
  const quote = quoteOf(node);
  return quote === undefined ? undefined : { start: node.range[0], end: node.range[1], quote };
}

/** Block scalars (`|`, `>`) span lines: those are rewritten through the document instead. */
const SPLICE_QUOTES: Partial<Record<Scalar.Type, Splice['quote']>> = { PLAIN: '', QUOTE_DOUBLE: '"', QUOTE_SINGLE: "'" };

function quoteOf(node: Scalar): Splice['quote'] | undefined {
  return node.type === undefined ? undefined : SPLICE_QUOTES[node.type];
}

function nameOf(node: unknown, fallback: string): string {
  return typeof node === 'string' && node !== '' ? node : fallback;
}

function locate(doc: Document.Parsed, docIndex: number, file: string): Located[] {
  const kind = doc.get('kind');
  if (!isWebhookKind(kind)) return [];
  const webhooks = doc.get('webhooks', true);
  if (!isSeq(webhooks)) throw invalid(file, `document ${docIndex + 1} (${kind}) has no webhooks list`);
  const configuration = nameOf(doc.getIn(['metadata', 'name']), '(unnamed)');
  return webhooks.items.map((item, webhookIndex) => {
    if (!isMap(item)) throw invalid(file, `webhooks[${webhookIndex}] of ${kind}/${configuration} is not a mapping`);
    const target = { kind, configuration, webhook: nameOf(item.get('name'), `webhooks[${webhookIndex}]`) };
    const clientConfig = item.get('clientConfig', true);
    const splice = isMap(clientConfig) ? spliceOf(clientConfig.get('caBundle', true)) : undefined;
    return { target, docIndex, webhookIndex, ...(splice === undefined ? {} : { splice }) };
  });
}

/** Replaces each caBundle scalar in the text itself: every other byte of the file stays as it was. */
function spliceText(text: string, splices: readonly Splice[], caBundle: string): string {
  let out = text;
  for (const s of [...splices].sort((a, b) => b.start - a.start)) {
    out = `${out.slice(0, s.start)}${s.quote}${caBundle}${s.quote}${out.slice(s.end)}`;
  }
  return out;
}

/**
 * Sets caBundle through the documents (creating clientConfig where missing). Comments and
 * block/flow styles are kept; spacing inside flow collections is written as `[a, b]`.
 */
function rewriteDocuments(docs: readonly Document.Parsed[], located: readonly Located[], caBundle: string): string {
  for (const l of located) {
    docs[l.docIndex]?.setIn(['webhooks', l.webhookIndex, 'clientConfig', 'caBundle'], caBundle);
  }
  return docs.map((doc) => doc.toString({ lineWidth: 0, flowCollectionPadding: false })).join('');
}

async function readManifest(file: string): Promise<{ text: string; mode: number }> {
  try {
    const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    return { text, mode: info.mode & 0o777 };
  } catch (err) {
    throw invalid(file, `cannot be read (${errorMessage(err)}); pass the webhook configurations' YAML file`, err);
  }
}

/**
 * Reads a YAML (or JSON) manifest file, one or more documents, and finds every webhook of its
 * Mutating/ValidatingWebhookConfiguration documents (whole objects, or kustomize patches of
 * them). Throws IMAGEGATE_CERTS_MANIFEST_INVALID when the file cannot be read or parsed, or
 * holds no webhook: patching nothing would leave the API server with the old CA unnoticed.
 */
export async function prepareManifestPatch(opts: { readonly file: string }): Promise<ManifestPatch> {
  const { file } = opts;
  const { text, mode } = await readManifest(file);
  const parsed = parseAllDocuments(text);
  const docs = Array.isArray(parsed) ? parsed : [];
  const firstError = docs.flatMap((doc) => doc.errors)[0];
  if (firstError !== undefined) throw invalid(file, `is not valid YAML: ${firstError.message}`, firstError);
  const located = docs.flatMap((doc, i) => locate(doc, i, file));
  if (located.length === 0) {
    throw invalid(
      file,
      `holds no MutatingWebhookConfiguration or ValidatingWebhookConfiguration with webhooks; expected a file such as manifests/overlays/example/webhooks-ca.yaml`,
    );
  }
  const splices = located.flatMap((l) => (l.splice === undefined ? [] : [l.splice]));
  return {
    file,
    mode,
    targets: located.map((l) => l.target),
    render: (caBundle) =>
      splices.length === located.length ? spliceText(text, splices, caBundle) : rewriteDocuments(docs, located, caBundle),
  };
}

/** Writes the patched file atomically (a reader sees the old or the new text), keeping its mode. */
export async function writeManifestPatch(patch: ManifestPatch, caBundle: string): Promise<void> {
  await writeFileAtomic(patch.file, patch.render(caBundle), patch.mode, 'check that the manifest and its directory are writable by this user');
}
