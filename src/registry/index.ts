/** Registry client: tag → digest resolution over the OCI distribution API, and the Pinner. */
export { createRegistryPinner } from './pinner.js';
