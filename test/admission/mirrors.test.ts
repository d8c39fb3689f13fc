import t from 'tap';
import { mirrorRewrite } from '../../src/admission/mirrors.js';
import { parseImageReference } from '../../src/images/internal.js';

const mirrors = [
  { from: 'Index.Docker.io/library', to: 'Mirror.example.com/hub', rewrite: true },
  { from: 'docker.io/library/postgres', to: 'mirror.example.com/pg', rewrite: false },
  { from: 'quay.io', to: 'mirror.example.com/quay', rewrite: true },
];
const rewrite = (image: string) => mirrorRewrite({ ref: parseImageReference(image), mirrors })?.canonical;

t.test('an image under a rewriting mirror moves there with its tag and digest; the longest from decides', async (t) => {
  t.equal(rewrite('nginx:1.27'), 'mirror.example.com/hub/nginx:1.27', 'Docker Hub short names and aliases fold');
  t.equal(rewrite(`nginx@sha256:${'a'.repeat(64)}`), `mirror.example.com/hub/nginx@sha256:${'a'.repeat(64)}`);
  t.equal(rewrite('QUAY.io/org/app:2'), 'mirror.example.com/quay/org/app:2', 'hosts compare case-insensitively');
  t.equal(rewrite('postgres:16'), undefined, 'a longer entry without rewrite keeps the image where it is');
  t.equal(rewrite('docker.io/libraryx/app:1'), undefined, 'whole segments only');
  t.equal(rewrite('quay.io.evil.io/app:1'), undefined);
  t.equal(rewrite('mirror.example.com/hub/nginx:1.27'), undefined, 'a rewritten image is not rewritten again');
});
