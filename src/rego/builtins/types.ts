/** One host built-in: JSON-decoded arguments in, a JSON-able value (bigint allowed) or undefined out. */
export type HostFn = (...args: unknown[]) => unknown;
