import t from 'tap';
import { rawHostBuiltins } from '../../../src/rego/builtins/index.js';
import { keyPairFor, signJwt, type JwtAlg } from '../../fixtures/jwt.js';

const host = rawHostBuiltins();
function call(name: string, ...args: unknown[]): unknown {
  const f = host[name];
  if (f === undefined) throw new Error(`no host built-in ${name}`);
  return f(...args);
}

const claims = { sub: 'ci', aud: 'imagegate', exp: 4102444800 };

t.test('io.jwt.decode returns header, claims and the signature in hex, as OPA', async (t) => {
  const token = signJwt({ alg: 'HS256', claims, key: 'secret' });
  const sig = Buffer.from(token.split('.')[2] ?? '', 'base64url').toString('hex');
  t.same(call('io.jwt.decode', token), [{ alg: 'HS256', typ: 'JWT' }, claims, sig]);
  const nested = signJwt({ alg: 'HS256', claims: token, key: 'outer', header: { cty: 'JWT' } });
  t.same(
    call('io.jwt.decode', nested),
    [{ alg: 'HS256', typ: 'JWT' }, claims, sig],
    'a cty: JWT payload is decoded in turn',
  );
  for (const bad of [
    'a.b',
    'x.y.z',
    `${token}.extra`,
    42,
    `${Buffer.from('{"enc":"A128GCM"}').toString('base64url')}.e30.`,
  ]) {
    t.equal(call('io.jwt.decode', bad), undefined, `malformed: ${JSON.stringify(bad)}`);
  }
});

t.test('verify_hs*: the right secret verifies, another secret or a changed payload does not', async (t) => {
  for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
    const token = signJwt({ alg, claims, key: 'secret' });
    const name = `io.jwt.verify_${alg.toLowerCase()}`;
    t.equal(call(name, token, 'secret'), true, alg);
    t.equal(call(name, token, 'other'), false, `${alg} wrong secret`);
    const [h, , s] = token.split('.');
    t.equal(
      call(name, `${h}.${Buffer.from('{"sub":"admin"}').toString('base64url')}.${s}`, 'secret'),
      false,
      `${alg} tampered`,
    );
  }
});

t.test('verify_rs/ps/es/eddsa: PEM public keys, JWKs and JWK sets, kid selects the key', async (t) => {
  const algs: JwtAlg[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
  for (const alg of algs) {
    const name = `io.jwt.verify_${alg.toLowerCase()}`;
    const pair = keyPairFor(alg);
    const other = keyPairFor(alg);
    const token = signJwt({ alg, claims, key: pair.privateKey });
    t.equal(call(name, token, pair.publicPem), true, `${alg} PEM`);
    t.equal(call(name, token, other.publicPem), false, `${alg} other key`);
    const jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid: 'k1' };
    const otherJwk = { ...other.publicKey.export({ format: 'jwk' }), kid: 'k2' };
    t.equal(call(name, token, JSON.stringify(jwk)), true, `${alg} JWK`);
    t.equal(call(name, token, JSON.stringify({ keys: [otherJwk, jwk] })), true, `${alg} JWK set, any key`);
    const kidToken = signJwt({ alg, claims, key: pair.privateKey, header: { kid: 'k2' } });
    t.equal(
      call(name, kidToken, JSON.stringify({ keys: [otherJwk, jwk] })),
      false,
      `${alg}: kid k2 names the other key, only it is tried`,
    );
  }
});

t.test('a key of another algorithm family or unreadable key material does not verify', async (t) => {
  const rsa = keyPairFor('RS256');
  const token = signJwt({ alg: 'RS256', claims, key: rsa.privateKey });
  t.equal(
    call('io.jwt.verify_es256', token, rsa.publicPem),
    false,
    'an RS256 signature and RSA key do not pass verify_es256',
  );
  t.equal(call('io.jwt.verify_eddsa', token, rsa.publicPem), false);
  t.equal(call('io.jwt.verify_rs256', token, rsa.publicPem), true);
  t.equal(call('io.jwt.verify_rs256', token, 'not a key'), undefined);
  t.equal(
    call('io.jwt.verify_rs256', token, `${rsa.publicPem}${rsa.publicPem}`),
    undefined,
    'nothing may follow the PEM block',
  );
  t.equal(call('io.jwt.verify_rs256', 'x.y', rsa.publicPem), undefined);
});
