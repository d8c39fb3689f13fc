import t from 'tap';
import { foldRegistryHost, registryApiAuthority } from '../../src/images/index.js';
import { parseImageReference, registryHost } from '../../src/images/internal.js';

t.test('every Docker Hub alias, in any case, folds to docker.io; other hosts keep their port', async (t) => {
  for (const alias of ['docker.io', 'Index.Docker.IO', 'registry-1.docker.io'])
    t.equal(foldRegistryHost(alias), 'docker.io', alias);
  t.equal(foldRegistryHost('Registry.Example.com:5000'), 'registry.example.com:5000');
  t.equal(foldRegistryHost('docker.io:443'), 'docker.io:443', 'a port makes it another authority');
});

t.test('the parser and the registry agree on where Docker Hub answers', async (t) => {
  t.equal(registryApiAuthority(foldRegistryHost('index.docker.io')), 'registry-1.docker.io');
  t.equal(registryHost(parseImageReference('index.docker.io/library/nginx:1')), 'registry-1.docker.io');
  t.equal(parseImageReference('index.docker.io/nginx:1').repository, 'docker.io/library/nginx');
  t.equal(registryApiAuthority('registry.example.com'), 'registry.example.com');
});
