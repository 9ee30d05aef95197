import { createIngestHandler } from '../../shared/ingest/create-ingest-handler';
import { createIngestDependencies } from '../../shared/ingest/ingest-dependencies';
import { ingestRoute } from '../../shared/ingest/ingest-route';
import { anyVendorDefinition } from '../../shared/vendors/vendor-definition';
import { sharinpix } from '../../shared/vendors/sharinpix/definition';
import { sharinpixManifest } from '../../shared/vendors/sharinpix/manifest';

/** Built once per container: config checked, clients created, secrets cache started empty. */
const dependencies = createIngestDependencies(process.env);

/** POST /webhooks/sharinpix */
export const handler = createIngestHandler(
  ingestRoute(sharinpixManifest, anyVendorDefinition(sharinpix)),
  dependencies,
);
