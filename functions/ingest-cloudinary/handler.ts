import {
  createIngestDependencies,
  createIngestHandler,
} from '../../shared/ingest/create-ingest-handler';
import { ingestRoute } from '../../shared/ingest/ingest-pipeline';
import { cloudinary } from '../../shared/vendors/cloudinary/definition';

/** Built once per container: config checked, clients created, secrets cache started empty. */
const dependencies = createIngestDependencies(process.env);

/** POST /webhooks/cloudinary */
export const handler = createIngestHandler(ingestRoute('cloudinary', { cloudinary }), dependencies);
