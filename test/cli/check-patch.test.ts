import t from 'tap';
import { applyReplaces } from '../../src/cli/check-patch.js';

t.test("/mutate's replaces land where the API server puts them; the input is untouched", async (t) => {
  const object = {
    spec: { containers: [{ image: 'a' }, { image: 'b' }] },
    metadata: { annotations: { 'x/y~z': 'v' } },
  };
  const patched = applyReplaces(object, [
    { op: 'replace', path: '/spec/containers/1/image', value: 'b@sha256:1' },
    { op: 'replace', path: '/metadata/annotations/x~1y~0z', value: 'w' },
  ]);
  t.same(patched, {
    spec: { containers: [{ image: 'a' }, { image: 'b@sha256:1' }] },
    metadata: { annotations: { 'x/y~z': 'w' } },
  });
  t.equal(object.spec.containers[1]?.image, 'b');
});

t.test('a replace of a member that does not exist is refused (RFC 6902), never added', async (t) => {
  const object = { spec: { containers: [{ image: 'a' }] } };
  for (const path of ['/spec/containers/1/image', '/spec/initContainers/0/image', '/spec/containers/01/image', '']) {
    t.throws(() => applyReplaces(object, [{ op: 'replace', path, value: 'x' }]), path);
  }
});
