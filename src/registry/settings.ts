import { readFileSync } from 'node:fs';
import type { RegistriesConfig, RegistryHostConfig } from '../config/index.js';
import type { ImageRef } from '../images/index.js';
import { errorMessage } from '../errors/index.js';
import { configError } from './errors.js';
import type { Credentials } from './credentials.js';
import { apiAuthority, normalizeHost, urlHost } from './hosts.js';
import { parseCidr, type Cidr } from './cidr.js';

/** One trusted registry, ready to contact. Only loadRegistrySettings produces these. */
export interface RegistrySettings {
  /** The normalised host images name it by (e.g. docker.io, registry.example.com:5000). */
  readonly host: string;
  /** `scheme://authority` requests go to (docker.io → https://registry-1.docker.io). */
  readonly origin: string;
  readonly scheme: 'http' | 'https';
  /** `URL.host` of the origin: what redirect and realm targets are compared with. */
  readonly originHost: string;
  readonly ca?: string;
  readonly credentials?: Credentials;
  readonly maxConcurrency: number;
  readonly timeoutMs: number;
  /** `URL.host`s besides the origin that redirects and the token realm may point to. */
  readonly allowedHosts: ReadonlySet<string>;
  /** `URL.host`s besides the origin whose token realm receives `credentials` (and is allowed as a realm). */
  readonly credentialRealms: ReadonlySet<string>;
  /** registries.hosts[].repositories: the only path prefixes contacted on this host; undefined: the whole host. */
  readonly repositories?: readonly string[];
}

interface Mirror {
  /** Normalised `host/path` prefix, matched on a path-segment boundary. */
  readonly from: string;
  readonly to: RegistrySettings;
  readonly toPath: string;
}

/**
 * Where to look a tag up: the registry and the repository path on it; or, for an image outside
 * registries.hosts (its host, or its host's `repositories`), why nothing may be contacted.
 */
export type Route =
  | { readonly kind: 'route'; readonly settings: RegistrySettings; readonly path: string }
  | { readonly kind: 'untrusted'; readonly host: string; readonly problem: string };

/** The refusal of an image whose host no registries.hosts entry names. */
const UNTRUSTED_HOST = 'not in the trusted registries (registries.hosts)';

export interface RegistryTable {
  readonly registries: ReadonlyMap<string, RegistrySettings>;
  /** registries.blockedCidrs, parsed: no registry connection goes to these addresses. */
  readonly blocked: readonly Cidr[];
  route(ref: ImageRef): Route;
}

type ReadText = (file: string) => string;

function readOrFail(read: ReadText, file: string, what: string): string {
  try {
    return read(file);
  } catch (err) {
    throw configError(`cannot read ${what} ${JSON.stringify(file)}: ${errorMessage(err)}`);
  }
}

function credentialsOf(h: RegistryHostConfig, read: ReadText): Credentials | undefined {
  const c = h.credentials;
  if (c === undefined) return undefined;
  if ((c.password === undefined) === (c.passwordFile === undefined)) {
    throw configError(
      `registries.hosts[${JSON.stringify(h.host)}].credentials must set exactly one of password and passwordFile`,
    );
  }
  const password = c.password ?? readOrFail(read, c.passwordFile ?? '', 'password file').replace(/\r?\n$/, '');
  return { username: c.username, password };
}

/** Config `host[:port]`s in the form URL targets are compared in, for either scheme. */
function urlHosts(hosts: readonly string[]): ReadonlySet<string> {
  return new Set(hosts.flatMap((a) => [urlHost(a.toLowerCase(), 'https'), urlHost(a.toLowerCase(), 'http')]));
}

function settingsOf(h: RegistryHostConfig, read: ReadText): RegistrySettings {
  const host = normalizeHost(h.host);
  const scheme = h.insecure ? 'http' : 'https';
  const authority = apiAuthority(host);
  const credentials = credentialsOf(h, read);
  return Object.freeze({
    host,
    scheme,
    origin: `${scheme}://${authority}`,
    originHost: urlHost(authority, scheme),
    ...(h.caFile === undefined ? {} : { ca: readOrFail(read, h.caFile, 'CA bundle') }),
    ...(credentials === undefined ? {} : { credentials }),
    maxConcurrency: h.maxConcurrency,
    timeoutMs: h.timeoutMs,
    allowedHosts: urlHosts(h.allowedHosts),
    credentialRealms: urlHosts(h.credentialRealms),
    ...(h.repositories === undefined ? {} : { repositories: h.repositories }),
  });
}

/** True when `path` on `s`'s host is trusted: the whole host, or under one of its repositories at a whole segment. */
function pathTrusted(s: RegistrySettings, path: string): boolean {
  return s.repositories === undefined || s.repositories.some((prefix) => under(path, prefix) !== undefined);
}

function untrustedPath(s: RegistrySettings, path: string): Route {
  const listed = (s.repositories ?? []).join(', ');
  return {
    kind: 'untrusted',
    host: s.host,
    problem: `${s.host}/${path} is not under its trusted repositories (registries.hosts[].repositories: ${listed})`,
  };
}

function splitPrefix(prefix: string): { readonly host: string; readonly path: string } {
  const slash = prefix.indexOf('/');
  return slash === -1
    ? { host: normalizeHost(prefix), path: '' }
    : { host: normalizeHost(prefix.slice(0, slash)), path: prefix.slice(slash + 1) };
}

function mirrorsOf(config: RegistriesConfig, registries: ReadonlyMap<string, RegistrySettings>): Mirror[] {
  return config.mirrors.map((m) => {
    const from = splitPrefix(m.from);
    const to = splitPrefix(m.to);
    const target = registries.get(to.host);
    if (target === undefined)
      throw configError(
        `registries.mirrors: the mirror host ${JSON.stringify(to.host)} of ${JSON.stringify(m.from)} is not listed in registries.hosts`,
      );
    // Every image routed to the mirror must be one the mirror host's entry trusts.
    if (to.path === '' ? target.repositories !== undefined : !pathTrusted(target, to.path))
      throw configError(
        `registries.mirrors: the mirror ${JSON.stringify(m.to)} of ${JSON.stringify(m.from)} is not under the repositories registries.hosts trusts on ${to.host} (${(target.repositories ?? []).join(', ')})`,
      );
    const fromPrefix = from.path === '' ? from.host : `${from.host}/${from.path}`;
    const toPrefix = to.path === '' ? to.host : `${to.host}/${to.path}`;
    // A mirror inside its own upstream would be rewritten (and denied by the mirrors rule) again.
    if (under(toPrefix, fromPrefix) !== undefined)
      throw configError(
        `registries.mirrors: the mirror ${JSON.stringify(m.to)} lies under its own upstream ${JSON.stringify(m.from)}`,
      );
    return { from: fromPrefix, to: target, toPath: to.path };
  });
}

function blockedOf(config: RegistriesConfig): Cidr[] {
  return config.blockedCidrs.map((text) => {
    const cidr = parseCidr(text);
    if (cidr === undefined)
      throw configError(
        `registries.blockedCidrs: ${JSON.stringify(text)} is not an address/prefix such as 169.254.0.0/16 or fe80::/10`,
      );
    return cidr;
  });
}

function under(name: string, prefix: string): string | undefined {
  if (name === prefix) return '';
  return name.startsWith(`${prefix}/`) ? name.slice(prefix.length + 1) : undefined;
}

/**
 * Reads the registries section once at start-up (CA bundles, password files).
 * @throws ImagegateError IMAGEGATE_REGISTRY_CONFIG_INVALID
 */
export function loadRegistrySettings(
  config: RegistriesConfig,
  read: ReadText = (f) => readFileSync(f, 'utf8'),
): RegistryTable {
  const registries = new Map<string, RegistrySettings>();
  for (const h of config.hosts) {
    const s = settingsOf(h, read);
    if (registries.has(s.host)) throw configError(`registries.hosts lists ${JSON.stringify(s.host)} twice`);
    registries.set(s.host, s);
  }
  // Longest prefix first, so docker.io/library/x wins over docker.io.
  const mirrors = mirrorsOf(config, registries).sort((a, b) => b.from.length - a.from.length);
  return {
    registries,
    blocked: blockedOf(config),
    route(ref: ImageRef): Route {
      const host = normalizeHost(ref.domain);
      const name = `${host}/${ref.path}`;
      for (const m of mirrors) {
        const rest = under(name, m.from);
        if (rest === undefined) continue;
        const path = [m.toPath, rest].filter((p) => p !== '').join('/');
        if (path !== '') return { kind: 'route', settings: m.to, path };
      }
      const settings = registries.get(host);
      if (settings === undefined) return { kind: 'untrusted', host, problem: UNTRUSTED_HOST };
      return pathTrusted(settings, ref.path)
        ? { kind: 'route', settings, path: ref.path }
        : untrustedPath(settings, ref.path);
    },
  };
}
