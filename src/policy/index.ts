export { createUnconfiguredDecider } from './unconfigured.js';
