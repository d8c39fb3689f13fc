/**
 * The Containerfile, checked statically (no container engine runs in CI): multi-stage, a
 * numeric non-root user matching the Deployment, production dependencies only, every file
 * `npm run build` writes, nothing secret in the build context; and `npm run image:build`'s
 * choice of builder.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { parse } from 'yaml';
import { repoRoot } from '../fixtures/shared.js';
import { at, objAt } from './objects.js';

const run = promisify(execFile);

interface Instruction {
  readonly op: string;
  readonly args: string;
}
interface Stage {
  readonly from: string;
  readonly name: string;
  readonly steps: readonly Instruction[];
}

/** Instructions with continuation lines joined and comments dropped, grouped by FROM. */
function parseContainerfile(text: string): { args: readonly Instruction[]; stages: readonly Stage[] } {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const args: Instruction[] = [];
  const stages: { from: string; name: string; steps: Instruction[] }[] = [];
  for (const line of lines) {
    const m = /^(\S+)\s+(.*)$/.exec(line);
    const op = (m?.[1] ?? line).toUpperCase();
    const rest = m?.[2] ?? '';
    if (op === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      stages.push({ from: from?.[1] ?? rest, name: from?.[2] ?? String(stages.length), steps: [] });
    } else if (stages.length === 0) args.push({ op, args: rest });
    else stages[stages.length - 1]?.steps.push({ op, args: rest });
  }
  return { args, stages };
}

const text = await readFile(join(repoRoot, 'Containerfile'), 'utf8');
const { args, stages } = parseContainerfile(text);
const stage = (name: string): Stage => {
  const s = stages.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no stage ${name}`);
  return s;
};
const runs = (s: Stage): string =>
  s.steps
    .filter((i) => i.op === 'RUN')
    .map((i) => i.args)
    .join('\n');

t.test('multi-stage: build, production dependencies, and a runtime stage last', async (t) => {
  t.same(
    stages.map((s) => s.name),
    ['build', 'deps', 'runtime'],
  );
  t.match(runs(stage('build')), /npm ci\b/);
  t.match(runs(stage('build')), /npm run build/, 'the build stage runs the package build');
  t.match(runs(stage('deps')), /npm ci [^\n]*--omit=dev/, 'the runtime gets production dependencies only');
  const runtime = stage('runtime');
  t.equal(
    runtime.steps.filter((i) => i.op === 'RUN').length,
    0,
    'nothing runs in the runtime image (distroless: no shell)',
  );
  t.match(
    at(
      args.find((a) => a.args.startsWith('RUNTIME_IMAGE=')),
      'args',
    ),
    /distroless\/nodejs\d+-debian\d+:nonroot$/,
  );
});

t.test('the runtime stage runs as the numeric non-root user the Deployment declares', async (t) => {
  const users = stage('runtime').steps.filter((i) => i.op === 'USER');
  const last = users[users.length - 1]?.args ?? '';
  const m = /^(\d+):(\d+)$/.exec(last);
  t.ok(m, `USER is numeric uid:gid (kubelet verifies runAsNonRoot only then), got ${JSON.stringify(last)}`);
  t.not(m?.[1], '0', 'not root');
  const deployment: unknown = parse(await readFile(join(repoRoot, 'manifests', 'base', 'deployment.yaml'), 'utf8'));
  const pod = objAt(deployment, 'spec', 'template', 'spec', 'securityContext');
  t.equal(String(pod.runAsUser), m?.[1], 'runAsUser matches');
  t.equal(String(pod.runAsGroup), m?.[2], 'runAsGroup matches');
});

t.test(
  'the runtime image holds what `npm run build` writes, package.json and policies/, and starts the CLI',
  async (t) => {
    const copies = stage('runtime')
      .steps.filter((i) => i.op === 'COPY')
      .map((i) => i.args);
    const pkg: unknown = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8'));
    const tsconfig: unknown = JSON.parse(await readFile(join(repoRoot, 'tsconfig.json'), 'utf8'));
    const outDir = String(at(tsconfig, 'compilerOptions', 'outDir'));
    t.match(String(at(pkg, 'scripts', 'build')), new RegExp(`'${outDir}/`), `the build writes under ${outDir}/`);
    t.ok(copies.includes(`--from=build /src/${outDir} ./${outDir}`), `all of ${outDir}/ from the build stage`);
    t.ok(copies.includes('--from=deps /app/node_modules ./node_modules'), 'node_modules from the production stage');
    t.ok(copies.includes('--from=build /src/package.json ./package.json'), 'package.json (version, policies lookup)');
    t.ok(copies.includes('--from=build /src/policies ./policies'), 'policies/ (the default policy)');
    const entry = stage('runtime').steps.find((i) => i.op === 'ENTRYPOINT')?.args ?? '';
    t.ok(entry.includes(`/app/${String(at(pkg, 'bin', 'imagegate'))}`), 'ENTRYPOINT is the imagegate bin');
    t.ok(
      stage('runtime').steps.some((i) => i.op === 'EXPOSE' && i.args === '8443'),
      'EXPOSE 8443, the container port',
    );
  },
);

t.test('no secret reaches the image: explicit copies, an allow-list build context', async (t) => {
  const all = stages.flatMap((s) => s.steps);
  for (const i of all.filter((x) => x.op === 'COPY' || x.op === 'ADD')) {
    t.not(i.op, 'ADD', 'COPY only (ADD fetches URLs and unpacks archives)');
    const sources = i.args
      .split(/\s+/)
      .filter((a) => !a.startsWith('--'))
      .slice(0, -1);
    t.notOk(sources.includes('.') || sources.includes('./'), `no whole-context copy: COPY ${i.args}`);
    t.notMatch(i.args, /certs|\.key\b|\.npmrc|\.env\b|\.git\b/, `nothing secret: COPY ${i.args}`);
  }
  for (const i of [...args, ...all].filter((x) => x.op === 'ENV' || x.op === 'ARG')) {
    t.notMatch(i.args, /SECRET|TOKEN|PASSWORD|NPM_AUTH/i, `no credential in ${i.op} ${i.args}`);
  }
  const ignore = (await readFile(join(repoRoot, '.dockerignore'), 'utf8'))
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  t.equal(ignore[0], '*', '.dockerignore excludes everything first');
  const included = ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1));
  t.notOk(
    included.some((p) => /certs|key|npmrc|\.git|node_modules|dist/.test(p)),
    'and re-includes no secret or local build output',
  );
  const fromContext = all
    .filter((i) => i.op === 'COPY' && !i.args.startsWith('--from='))
    .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
  for (const source of fromContext) t.ok(included.includes(source), `${source} is in the build context allow-list`);
});

t.test('npm run image:build uses the first builder found, or says none is there', async (t) => {
  const dir = t.testdir();
  const bin = join(dir, 'bin');
  await mkdir(bin);
  await symlink(process.execPath, join(bin, 'node'));
  const script = join(repoRoot, 'scripts', 'image-build.sh');
  const env = { PATH: bin, HOME: dir };
  const none = await run('/bin/bash', [script], { env }).then(
    () => ({ code: 0, stderr: '' }),
    (err: unknown) => ({ code: Number(at(err, 'code')), stderr: String(at(err, 'stderr')) }),
  );
  t.equal(none.code, 1);
  t.match(none.stderr, /no container builder found \(looked for podman, buildah, docker/);

  const log = join(dir, 'calls');
  await writeFile(join(bin, 'docker'), `#!/bin/bash\necho "docker $*" >> ${log}\n`);
  await writeFile(join(bin, 'buildah'), `#!/bin/bash\necho "buildah $*" >> ${log}\n`);
  await chmod(join(bin, 'docker'), 0o755);
  await chmod(join(bin, 'buildah'), 0o755);
  await run('/bin/bash', [script, '--pull'], { env: { ...env, PATH: `${bin}:/usr/bin:/bin` } });
  const version = String(at(JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')), 'version'));
  const calls = await readFile(log, 'utf8');
  if (calls.startsWith('buildah')) {
    t.equal(calls, `buildah bud --file Containerfile --tag imagegate:${version} --pull .\n`, 'buildah before docker');
  } else {
    t.fail(`expected buildah (before docker) to be used, got ${calls}`);
  }
});
