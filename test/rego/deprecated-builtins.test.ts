/**
 * Gatekeeper-style v0 policies still call OPA's deprecated built-ins (`any`, `all`, `set_diff`,
 * `cast_*`, `re_match`, `net.cidr_overlap`). OPA 1.x evaluates them in v0 modules and refuses
 * them in v1 modules; imagegate does the same, and what compiles evaluates.
 */
import t from 'tap';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compileEntrypoints, hostBuiltins, isRegoParseError, type RegoVersion } from '../../src/rego/index.js';

/** Gatekeeper's k8sallowedrepos (library/general/allowedrepos), with an `all` rule and a set_diff rule of the same vintage. */
const ALLOWED_REPOS = `package k8sallowedrepos

violation[{"msg": msg}] {
  container := input.review.object.spec.containers[_]
  satisfied := [good | repo = input.parameters.repos[_] ; good = startswith(container.image, repo)]
  not any(satisfied)
  msg := sprintf("container <%v> has an invalid image repo <%v>, allowed repos are %v", [container.name, container.image, input.parameters.repos])
}

all_pinned {
  all([pinned | container := input.review.object.spec.containers[_]; pinned := re_match("@sha256:[a-f0-9]{64}$", container.image)])
}

missing_labels = set_diff(cast_set(input.parameters.labels), {l | input.review.object.metadata.labels[l]})
`;

async function evaluate(opts: {
  readonly text: string;
  readonly entrypoint: string;
  readonly input: unknown;
  readonly regoVersion: RegoVersion;
}): Promise<unknown> {
  const wasm = compileEntrypoints({
    sources: [{ file: 'allowedrepos.rego', text: opts.text }],
    entrypoints: [opts.entrypoint],
    regoVersion: opts.regoVersion,
  });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins());
  return policy.evaluate(opts.input, opts.entrypoint);
}

const review = (images: readonly string[], labels: Record<string, string>) => ({
  review: {
    object: { metadata: { labels }, spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } },
  },
  parameters: { repos: ['registry.example.com/', 'mirror.example.com/'], labels: ['team', 'owner'] },
});

const DIGEST = `@sha256:${'a'.repeat(64)}`;

t.test(
  'k8sallowedrepos (not any(satisfied)) reports exactly the containers outside the allowed repos, as OPA does',
  async (t) => {
    const input = review(['registry.example.com/app:1', 'nginx:1.27', `mirror.example.com/side${DIGEST}`], {
      team: 'a',
    });
    t.same(await evaluate({ text: ALLOWED_REPOS, entrypoint: 'k8sallowedrepos/violation', input, regoVersion: 0 }), [
      {
        result: [
          {
            msg: 'container <c1> has an invalid image repo <nginx:1.27>, allowed repos are ["registry.example.com/", "mirror.example.com/"]',
          },
        ],
      },
    ]);
    const clean = review(['registry.example.com/app:1'], {});
    t.same(
      await evaluate({ text: ALLOWED_REPOS, entrypoint: 'k8sallowedrepos/violation', input: clean, regoVersion: 0 }),
      [{ result: [] }],
    );
  },
);

t.test('all() is true only when every element is true (and for none), as OPA does', async (t) => {
  const pinned = review([`registry.example.com/a${DIGEST}`, `mirror.example.com/b${DIGEST}`], {});
  const mixed = review([`registry.example.com/a${DIGEST}`, 'registry.example.com/b:1'], {});
  t.same(
    await evaluate({ text: ALLOWED_REPOS, entrypoint: 'k8sallowedrepos/all_pinned', input: pinned, regoVersion: 0 }),
    [{ result: true }],
  );
  t.same(
    await evaluate({ text: ALLOWED_REPOS, entrypoint: 'k8sallowedrepos/all_pinned', input: mixed, regoVersion: 0 }),
    [],
  );
  t.same(
    await evaluate({
      text: ALLOWED_REPOS,
      entrypoint: 'k8sallowedrepos/all_pinned',
      input: review([], {}),
      regoVersion: 0,
    }),
    [{ result: true }],
  );
});

t.test('set_diff and cast_set compute the missing labels', async (t) => {
  t.same(
    await evaluate({
      text: ALLOWED_REPOS,
      entrypoint: 'k8sallowedrepos/missing_labels',
      input: review([], { team: 'a' }),
      regoVersion: 0,
    }),
    [{ result: ['owner'] }],
  );
});

t.test(
  'in a v1 module the deprecated built-ins are refused where they are called, as OPA 1.x refuses them',
  async (t) => {
    const v1 = 'package p\n\ndeny contains "unpinned" if {\n\tnot any([true])\n}\n\nok if all([true])\n';
    try {
      await evaluate({ text: v1, entrypoint: 'p/deny', input: {}, regoVersion: 1 });
      t.fail('a v1 module calling any() compiled');
    } catch (err) {
      t.ok(isRegoParseError(err), 'reported with the parse-stage checks, as OPA reports them before evaluation');
      if (!isRegoParseError(err)) return;
      t.same(
        err.errors.map((e) => [e.code, e.message, e.loc.row, e.loc.col]),
        [
          ['rego_type_error', 'deprecated built-in function calls in expression: any', 4, 6],
          ['rego_type_error', 'deprecated built-in function calls in expression: all', 7, 7],
        ],
      );
    }
  },
);
