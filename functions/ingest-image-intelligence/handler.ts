import { createIngestHandler } from '../../shared/ingest/create-ingest-handler';
import { createIngestDependencies } from '../../shared/ingest/ingest-dependencies';
import { ingestRoute } from '../../shared/ingest/ingest-route';
import { anyVendorDefinition } from '../../shared/vendors/vendor-definition';
import { imageIntelligence } from '../../shared/vendors/image-intelligence/definition';
import { imageIntelligenceManifest } from '../../shared/vendors/image-intelligence/manifest';

/** Built once per container: config checked, clients created, secrets cache started empty. */
const dependencies = createIngestDependencies(process.env);

/** POST /webhooks/image-intelligence */
export const handler = createIngestHandler(
  ingestRoute(imageIntelligenceManifest, anyVendorDefinition(imageIntelligence)),
  dependencies,
);
