/**
 * Rego planner (parse → compile → **plan** → emit): turns a compiled Program into OPA IR
 * (src/rego/ir types), planning rules lazily into `g<N>.data.…` functions and bodies in
 * continuation-passing style, as OPA's planner does. Errors here are planner bugs
 * (IMAGEGATE_REGO_PLAN): the compiler rejects every invalid policy first.
 */
export { planPolicy, type Entrypoint, type PlanOptions } from './policy.js';
export { PLAN_ERROR_CODE } from './terms.js';
