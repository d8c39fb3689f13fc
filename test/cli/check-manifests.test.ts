import t from 'tap';
import { manifestObjects } from '../../src/cli/check-manifests.js';
import { isImagegateError } from '../../src/errors/index.js';

const where = (text: string) =>
  manifestObjects({ file: 'm.yaml', text }).map((o) => `${o.where} ${String(o.object.kind)}`);

t.test('documents are numbered as written; empty and comment-only ones hold nothing', async (t) => {
  const text =
    '# header\n---\n---\n# only a comment\n---\napiVersion: v1\nkind: Pod\n---\n\n---\napiVersion: v1\nkind: Service\n';
  t.same(where(text), ['3 Pod', '5 Service']);
  t.same(where(''), []);
  t.same(where('{"apiVersion": "v1", "kind": "Pod"}'), ['1 Pod'], 'JSON is read as YAML');
});

t.test('List and typed lists are expanded item by item; a kind that only ends in List is an object', async (t) => {
  const list =
    'apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: Pod}\n  - {apiVersion: apps/v1, kind: Deployment}\n';
  t.same(where(list), ['1.items[0] Pod', '1.items[1] Deployment']);
  t.same(where('apiVersion: v1\nkind: PodList\nitems: [{apiVersion: v1, kind: Pod}]\n'), ['1.items[0] Pod']);
  t.same(where('apiVersion: example.com/v1\nkind: AllowList\nspec: {}\n'), ['1 AllowList']);
  t.same(where('apiVersion: v1\nkind: List\n'), [], 'a List without items holds nothing');
});

t.test('what is not a Kubernetes object stops the run, naming the file, line and document', async (t) => {
  const cases: [string, RegExp][] = [
    [
      'apiVersion: v1\nkind: Pod\n---\nkind: Pod\nkind: Pod\n',
      /^m\.yaml:5:1: document 2 is not valid YAML: Map keys must be unique/,
    ],
    [
      '- a\n- b\n',
      /^m\.yaml:1: expected a Kubernetes object \(a mapping with apiVersion and kind\), found a sequence$/,
    ],
    ['apiVersion: v1\nkind: List\nitems: {}\n', /^m\.yaml:1: a List needs an items array, found a mapping$/],
    [
      'apiVersion: v1\nkind: List\nitems: [{kind: Pod}]\n',
      /^m\.yaml:1\.items\[0\]: expected a Kubernetes object with string apiVersion and kind/,
    ],
  ];
  for (const [text, message] of cases) {
    const err = t.throws(() => manifestObjects({ file: 'm.yaml', text }));
    t.ok(isImagegateError(err, 'IMAGEGATE_CHECK_INPUT_INVALID'), text);
    t.match(err instanceof Error ? err.message : '', message, text);
  }
});
