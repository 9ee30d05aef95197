import { createIngestHandler } from '../../shared/ingest/create-ingest-handler';
import { createIngestDependencies } from '../../shared/ingest/ingest-dependencies';
import { ingestRoute } from '../../shared/ingest/ingest-route';
import { anyVendorDefinition } from '../../shared/vendors/vendor-definition';
import { cloudinary } from '../../shared/vendors/cloudinary/definition';
import { cloudinaryManifest } from '../../shared/vendors/cloudinary/manifest';

/** Built once per container: config checked, clients created, secrets cache started empty. */
const dependencies = createIngestDependencies(process.env);

/** POST /webhooks/cloudinary */
export const handler = createIngestHandler(
  ingestRoute(cloudinaryManifest, anyVendorDefinition(cloudinary)),
  dependencies,
);
