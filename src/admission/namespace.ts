import { ImagegateError, errorMessage, isImagegateError } from '../errors/index.js';
import type { NamespaceLabels, NamespaceLabelsReader } from './ports.js';
import { withDeadline } from './deadline.js';

/**
 * Starts reading the namespace's labels for the policy, or resolves undefined when no reader is
 * configured (admission.namespaceLabels.enabled false: the input has neither field). Bounded by
 * the review's deadline even if the reader ignores its signal, and never rejects: whatever goes
 * wrong reaches the policy as `namespaceLabelsError`, so a missing label cannot pass for an
 * absent one (a policy keyed on `team` must not admit because the read failed).
 */
export async function readNamespaceLabels(opts: {
  readonly reader: NamespaceLabelsReader | undefined;
  readonly namespace: string;
  readonly signal: AbortSignal;
}): Promise<NamespaceLabels | undefined> {
  const { reader, namespace, signal } = opts;
  if (reader === undefined) return undefined;
  try {
    return await withDeadline(
      reader.read({ namespace, signal }),
      signal,
      `reading the labels of namespace ${namespace}`,
    );
  } catch (err) {
    const error = isImagegateError(err)
      ? err
      : new ImagegateError('IMAGEGATE_INTERNAL', `reading namespace labels failed: ${errorMessage(err)}`);
    return { kind: 'error', error: { code: error.code, message: error.message } };
  }
}
