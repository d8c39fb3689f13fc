import { isImagegateError } from '../errors/index.js';
import { manifestObjects, readManifestTexts, type ManifestObject } from './check-manifests.js';
import { checkConfig, openChecker, stderrLogger, type FactsMode, type ObjectVerdict } from './check-run.js';
import type { CliIo } from './io.js';
import type { FactsFile } from './check-facts.js';

/** What `imagegate check` and `imagegate policy input` share: where the objects and facts come from. */
export interface SessionArgs {
  readonly files: readonly string[];
  readonly configFile?: string;
  readonly namespace?: string;
  readonly facts: FactsMode;
  readonly recordFile?: string;
  /** Run /mutate before /validate, as the API server does with both webhooks installed. */
  readonly mutate: boolean;
}

/** Reviews decided at once: enough to overlap registry round trips, few enough to stay polite to them. */
const CONCURRENCY = 4;

/**
 * Reads every object of `args.files`, decides each with the webhook's own parts (check-run.ts),
 * in order, calling `progress(done, total)` as they finish. Input and config errors throw
 * (ImagegateError) before any object is decided.
 */
export async function runSession(opts: {
  readonly args: SessionArgs;
  readonly io: CliIo;
  readonly captureInput?: boolean;
  readonly progress?: (done: number, total: number) => void;
}): Promise<{ readonly verdicts: readonly ObjectVerdict[]; readonly recorded: FactsFile | undefined }> {
  const { args, io } = opts;
  const texts = await readManifestTexts({ paths: args.files, stdin: io.stdin });
  const objects = texts.flatMap(manifestObjects);
  const config = await checkConfig(args.configFile);
  const checker = await openChecker({
    config,
    facts: args.facts,
    logger: stderrLogger(io.stderr),
    mutate: args.mutate,
    ...(opts.captureInput === true ? { captureInput: true } : {}),
  });
  try {
    const verdicts = await inOrder({
      objects,
      run: (object) => checker.check({ object, namespace: args.namespace }),
      ...(opts.progress === undefined ? {} : { progress: opts.progress }),
    });
    return { verdicts, recorded: checker.recorded() };
  } finally {
    await checker.close();
  }
}

/** Runs `run` over `objects`, CONCURRENCY at a time; results in the objects' order. */
async function inOrder(opts: {
  readonly objects: readonly ManifestObject[];
  readonly run: (o: ManifestObject) => Promise<ObjectVerdict>;
  readonly progress?: (done: number, total: number) => void;
}): Promise<ObjectVerdict[]> {
  const { objects } = opts;
  const results: ObjectVerdict[] = [];
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < objects.length; i = next++) {
      const object = objects[i];
      if (object === undefined) continue;
      results[i] = await opts.run(object);
      done += 1;
      opts.progress?.(done, objects.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, objects.length) }, worker));
  return results;
}

/** Exit code 2 for what the user must fix before anything can be checked (input, facts file, config, usage). */
export function isInputError(err: unknown): boolean {
  return (
    isImagegateError(err, 'IMAGEGATE_CLI_USAGE') ||
    isImagegateError(err, 'IMAGEGATE_CHECK_INPUT_UNREADABLE') ||
    isImagegateError(err, 'IMAGEGATE_CHECK_INPUT_INVALID') ||
    isImagegateError(err, 'IMAGEGATE_CHECK_FACTS_INVALID') ||
    isImagegateError(err, 'IMAGEGATE_CONFIG_UNREADABLE') ||
    isImagegateError(err, 'IMAGEGATE_CONFIG_INVALID')
  );
}
