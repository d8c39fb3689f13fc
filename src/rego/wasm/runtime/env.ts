// Host imports. AssemblyScript imports each `declare function` of this file from the
// module named after the file, "env": the module OPA's wasm ABI puts its imports in.

/** Called with a NUL-terminated UTF-8 message; the SDK throws it as an error. */
export declare function opa_abort(addr: u32): void;

/** Evaluates entrypoint `ep` of the linked policy code; returns the result set's address. */
export declare function policy_eval(ep: i32, input: u32, data: u32): u32;
