import { readFile, writeFile } from 'node:fs/promises';
import type { FactGatherer, ImageFacts, Pinner, PinOutcome } from '../admission/index.js';
import { ImagegateError, errorMessage, isErrorCode, type ErrorCode } from '../errors/index.js';
import { isRecord } from '../guards/index.js';
import type { ImageRef } from '../images/index.js';

/** The version of the facts file shape below; a file of another version is refused. */
const FACTS_FILE_VERSION = 1;

/** One image's facts as recorded: ImageFacts without `validUntil` (a monotonic clock time, meaningless in another process). */
export type RecordedFacts = Omit<ImageFacts, 'validUntil'>;

/**
 * What `--record FILE` writes and `--facts FILE` reads, keyed by image reference in canonical
 * form (`docker.io/library/nginx:1.27`): what /mutate's pinner answered for each tagged image
 * (`pins`), and what /validate's facts stage answered for each image it judged (`images`, with
 * the gatherer revision they came with).
 */
export interface FactsFile {
  readonly imagegateFacts: typeof FACTS_FILE_VERSION;
  readonly revision: string;
  readonly pins: Readonly<Record<string, PinOutcome>>;
  readonly images: Readonly<Record<string, RecordedFacts>>;
}

/** The pinner and gatherer of a live run, keeping every answer, for `--record`. */
export interface Recorder {
  readonly pinner: Pinner;
  readonly gatherer: FactGatherer;
  recorded(): FactsFile;
}

export function createRecorder(inner: { readonly pinner: Pinner; readonly gatherer: FactGatherer }): Recorder {
  const images = new Map<string, RecordedFacts>();
  const pins = new Map<string, PinOutcome>();
  return {
    pinner: {
      pin: async (opts) => {
        const outcomes = await inner.pinner.pin(opts);
        for (const [i, ref] of opts.images.entries()) {
          const o = outcomes[i];
          if (o !== undefined) pins.set(ref.canonical, o);
        }
        return outcomes;
      },
    },
    gatherer: {
      get revision() {
        return inner.gatherer.revision;
      },
      gather: async (opts) => {
        const facts = await inner.gatherer.gather(opts);
        for (const [i, ref] of opts.images.entries()) {
          const f = facts[i];
          if (f === undefined) continue;
          const { validUntil: _validUntil, ...kept } = f;
          images.set(ref.canonical, kept);
        }
        return facts;
      },
    },
    recorded: () => ({
      imagegateFacts: FACTS_FILE_VERSION,
      revision: inner.gatherer.revision,
      pins: sortedRecord(pins),
      images: sortedRecord(images),
    }),
  };
}

function sortedRecord<T>(m: ReadonlyMap<string, T>): Record<string, T> {
  return Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * /mutate's pinner without a registry: a digest written wins, as the registry pinner's does; a
 * tag is pinned as `file` recorded it, else left unpinned with `missing` (code and reason).
 */
function pinnerFrom(opts: {
  readonly pins: Readonly<Record<string, PinOutcome>>;
  readonly missing: (canonical: string) => PinOutcome;
}): Pinner {
  return {
    pin: ({ images }) =>
      Promise.resolve(
        images.map((ref): PinOutcome => {
          if (ref.digest !== undefined) return { kind: 'pinned', image: ref.canonical };
          const recorded = Object.hasOwn(opts.pins, ref.canonical) ? opts.pins[ref.canonical] : undefined;
          return recorded ?? opts.missing(ref.canonical);
        }),
      ),
  };
}

const OFFLINE_MESSAGE =
  'offline: imagegate check --offline contacts no registry or fact source; drop --offline, or replay facts recorded with --record through --facts FILE';

/** /mutate offline: tags stay unpinned (IMAGEGATE_CHECK_OFFLINE); a check run skips /mutate offline, this keeps the deps whole. */
export function offlinePinner(): Pinner {
  return pinnerFrom({
    pins: {},
    missing: () => ({ kind: 'unresolved', code: 'IMAGEGATE_CHECK_OFFLINE', reason: OFFLINE_MESSAGE }),
  });
}

/** /mutate from `--facts FILE`: the recorded pins; a tag not in it stays unpinned (IMAGEGATE_CHECK_FACTS_MISSING). */
export function replayPinner(opts: { readonly file: string; readonly facts: FactsFile }): Pinner {
  return pinnerFrom({
    pins: opts.facts.pins,
    missing: (canonical) => ({
      kind: 'unresolved',
      code: 'IMAGEGATE_CHECK_FACTS_MISSING',
      reason: missingMessage(canonical, opts.file),
    }),
  });
}

function missingMessage(canonical: string, file: string): string {
  return `${canonical} not in ${file}; record again with --record`;
}

export async function writeFactsFile(opts: { readonly file: string; readonly facts: FactsFile }): Promise<void> {
  try {
    await writeFile(opts.file, `${JSON.stringify(opts.facts, null, 2)}\n`);
  } catch (err) {
    throw new ImagegateError(
      'IMAGEGATE_CHECK_INPUT_UNREADABLE',
      `cannot write the --record file ${JSON.stringify(opts.file)}: ${errorMessage(err)}; pass a writable path`,
      { cause: err },
    );
  }
}

/**
 * The facts stage for a run that contacts nothing (--offline without --facts): an image that
 * carries its digest is judged by it, as the webhook would, but no fact source is asked; a
 * tagged image is unresolved. Either way the policy sees IMAGEGATE_CHECK_OFFLINE saying why.
 */
export function offlineGatherer(opts: { readonly sourceNames: readonly string[] }): FactGatherer {
  const message = OFFLINE_MESSAGE;
  return {
    revision: 'imagegate-check-offline',
    gather: ({ images }) =>
      Promise.resolve(
        images.map((ref) =>
          unlookedUp({ ref, sourceNames: opts.sourceNames, code: 'IMAGEGATE_CHECK_OFFLINE', message }),
        ),
      ),
  };
}

/** The facts stage of `--facts FILE`: the recorded answers; an image the file lacks is unresolved (IMAGEGATE_CHECK_FACTS_MISSING). */
export function replayGatherer(opts: {
  readonly file: string;
  readonly facts: FactsFile;
  readonly sourceNames: readonly string[];
}): FactGatherer {
  const { facts, file } = opts;
  return {
    revision: facts.revision,
    gather: ({ images }) =>
      Promise.resolve(
        images.map((ref) => {
          const recorded = Object.hasOwn(facts.images, ref.canonical) ? facts.images[ref.canonical] : undefined;
          if (recorded !== undefined) return { ...recorded, validUntil: Infinity };
          const message = missingMessage(ref.canonical, file);
          return unlookedUp({ ref, sourceNames: opts.sourceNames, code: 'IMAGEGATE_CHECK_FACTS_MISSING', message });
        }),
      ),
  };
}

/** What the webhook's gatherer gives an image whose tag could not be resolved, or whose sources could not be asked. */
function unlookedUp(opts: {
  readonly ref: ImageRef;
  readonly sourceNames: readonly string[];
  readonly code: ErrorCode;
  readonly message: string;
}): ImageFacts {
  const { ref, code, message } = opts;
  const errors = (m: string) => Object.fromEntries(opts.sourceNames.map((n) => [n, { error: { code, message: m } }]));
  if (ref.digest !== undefined) return { digest: ref.digest, facts: errors(message), validUntil: Infinity };
  return {
    resolvedFrom: ref.tag ?? 'latest',
    resolutionError: { code, message },
    facts: errors(`not looked up: the image has no digest (${message})`),
    validUntil: Infinity,
  };
}

/**
 * Reads a file `--record` wrote.
 * @throws ImagegateError IMAGEGATE_CHECK_FACTS_INVALID naming the file and the field at fault
 */
export async function readFactsFile(file: string): Promise<FactsFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw factsInvalid(file, `cannot be read (${errorMessage(err)})`, err);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw factsInvalid(file, `is not JSON (${errorMessage(err)})`, err);
  }
  return parseFactsFile({ file, value });
}

function factsInvalid(file: string, what: string, cause?: unknown): ImagegateError {
  return new ImagegateError(
    'IMAGEGATE_CHECK_FACTS_INVALID',
    `--facts ${file} ${what}; expected a file written by \`imagegate check --record FILE\`: record it again`,
    cause === undefined ? undefined : { cause },
  );
}

export function parseFactsFile(opts: { readonly file: string; readonly value: unknown }): FactsFile {
  const { file, value } = opts;
  if (!isRecord(value)) throw factsInvalid(file, 'is not a JSON object');
  if (value.imagegateFacts !== FACTS_FILE_VERSION)
    throw factsInvalid(
      file,
      `has imagegateFacts ${JSON.stringify(value.imagegateFacts ?? null)}, expected ${FACTS_FILE_VERSION}`,
    );
  if (typeof value.revision !== 'string') throw factsInvalid(file, 'has no string "revision"');
  if (!isRecord(value.images)) throw factsInvalid(file, 'has no object "images"');
  if (!isRecord(value.pins)) throw factsInvalid(file, 'has no object "pins"');
  const pins: Record<string, PinOutcome> = {};
  for (const [image, pin] of Object.entries(value.pins))
    pins[image] = pinOutcome(file, `pins[${JSON.stringify(image)}]`, pin);
  const images: Record<string, RecordedFacts> = {};
  for (const [image, entry] of Object.entries(value.images)) {
    images[image] = recordedFacts({ file, image, entry });
  }
  return { imagegateFacts: FACTS_FILE_VERSION, revision: value.revision, pins, images };
}

function recordedFacts(opts: {
  readonly file: string;
  readonly image: string;
  readonly entry: unknown;
}): RecordedFacts {
  const { file, entry } = opts;
  const at = `images[${JSON.stringify(opts.image)}]`;
  if (!isRecord(entry)) throw factsInvalid(file, `${at} is not an object`);
  const { digest, resolvedFrom, resolutionError, facts } = entry;
  if (digest !== undefined && typeof digest !== 'string') throw factsInvalid(file, `${at}.digest is not a string`);
  if (resolvedFrom !== undefined && typeof resolvedFrom !== 'string')
    throw factsInvalid(file, `${at}.resolvedFrom is not a string`);
  if (!isRecord(facts)) throw factsInvalid(file, `${at}.facts is not an object`);
  if (digest === undefined && resolutionError === undefined)
    throw factsInvalid(file, `${at} has neither a digest nor a resolutionError`);
  return {
    ...(digest === undefined ? {} : { digest }),
    ...(resolvedFrom === undefined ? {} : { resolvedFrom }),
    ...(resolutionError === undefined
      ? {}
      : { resolutionError: problem(file, `${at}.resolutionError`, resolutionError) }),
    facts,
  };
}

function problem(file: string, at: string, v: unknown): { readonly code: ErrorCode; readonly message: string } {
  if (!isRecord(v) || typeof v.code !== 'string' || typeof v.message !== 'string')
    throw factsInvalid(file, `${at} is not {code, message}`);
  if (!isErrorCode(v.code)) throw factsInvalid(file, `${at}.code ${JSON.stringify(v.code)} is not an imagegate code`);
  return { code: v.code, message: v.message };
}

function pinOutcome(file: string, at: string, v: unknown): PinOutcome {
  if (isRecord(v) && v.kind === 'pinned' && typeof v.image === 'string') return { kind: 'pinned', image: v.image };
  if (isRecord(v) && v.kind === 'unresolved' && typeof v.code === 'string' && typeof v.reason === 'string') {
    if (!isErrorCode(v.code)) throw factsInvalid(file, `${at}.code ${JSON.stringify(v.code)} is not an imagegate code`);
    return { kind: 'unresolved', code: v.code, reason: v.reason };
  }
  throw factsInvalid(file, `${at} is neither {kind: "pinned", image} nor {kind: "unresolved", code, reason}`);
}
