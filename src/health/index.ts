/**
 * Health grades: Red Hat's Container Health Index for each image digest, from the Red Hat
 * catalog (Pyxis), a Clair matcher, Quay's security API or a static grades file, chosen per
 * repository pattern (config `health`). One fact source, `health`, for the facts stage.
 */
export { createHealthSource } from './create.js';
