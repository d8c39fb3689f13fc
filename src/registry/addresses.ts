import { lookup } from 'node:dns/promises';
import { blockingRange, parseIp, type Cidr } from './cidr.js';
import { problem } from './errors.js';
import { classify } from './failures.js';

/** One answer of a name lookup, as dns.promises.lookup with `all: true` gives them. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** Resolves a host name to all its addresses; injected so tests can play DNS rebinding. */
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemResolver: HostResolver = (hostname) => lookup(hostname, { all: true });

/**
 * The SSRF guard of one tag lookup. Each host name is resolved once, every address it resolves
 * to is checked against the blocked ranges, and all requests of the lookup then connect to the
 * first checked address. A name that rebinds between our check and the connection (DNS
 * rebinding towards 169.254.169.254, say) cannot move the connection: there is no second lookup.
 */
export class AddressPins {
  private readonly pins = new Map<string, Promise<string>>();

  constructor(
    private readonly opts: {
      readonly resolve: HostResolver;
      readonly blocked: readonly Cidr[];
      readonly signal: AbortSignal;
    },
  ) {}

  /**
   * The address (IP literal, no brackets) to connect to for `hostname` (URL form, brackets kept).
   * @throws RegistryProblem addressBlocked (never retried), unavailable, timeout
   */
  addressOf(hostname: string): Promise<string> {
    const known = this.pins.get(hostname);
    if (known !== undefined) return known;
    const pending = this.check(hostname);
    this.pins.set(hostname, pending);
    // A failed resolution may be transient: let a retry resolve again. A refusal stays.
    pending.catch(() => {
      if (this.pins.get(hostname) === pending) this.pins.delete(hostname);
    });
    return pending;
  }

  private async check(hostname: string): Promise<string> {
    const literal = parseIp(hostname);
    if (literal !== undefined) {
      const bare = hostname.replace(/^\[(.*)\]$/, '$1');
      this.refuseIfBlocked(hostname, bare);
      return bare;
    }
    const answers = await this.resolve(hostname);
    for (const a of answers) this.refuseIfBlocked(hostname, a.address);
    const first = answers[0];
    if (first === undefined)
      throw problem('unavailable', `the host name ${hostname} resolves to no address`, { retryable: true });
    return first.address;
  }

  private refuseIfBlocked(hostname: string, address: string): void {
    const ip = parseIp(address);
    if (ip === undefined)
      throw problem(
        'addressBlocked',
        `the host ${hostname} resolves to ${JSON.stringify(address.slice(0, 60))}, which is not an IP address`,
      );
    const range = blockingRange(ip, this.opts.blocked);
    if (range === undefined) return;
    const via =
      address === hostname.replace(/^\[(.*)\]$/, '$1')
        ? `the address ${address}`
        : `the host ${hostname} resolves to ${address}, which`;
    throw problem('addressBlocked', `${via} is in the blocked range ${range.text}`);
  }

  private async resolve(hostname: string): Promise<readonly ResolvedAddress[]> {
    const { signal } = this.opts;
    signal.throwIfAborted();
    let onAbort = (): void => undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([this.opts.resolve(hostname), aborted]);
    } catch (err) {
      throw classify(err, signal, 'while resolving the registry host name');
    } finally {
      signal.removeEventListener('abort', onAbort);
      aborted.catch(() => undefined);
    }
  }
}
