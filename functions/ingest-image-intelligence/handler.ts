import {
  createIngestDependencies,
  createIngestHandler,
} from '../../shared/ingest/create-ingest-handler';
import { ingestRoute } from '../../shared/ingest/ingest-pipeline';
import { imageIntelligence } from '../../shared/vendors/image-intelligence/definition';

/** Built once per container: config checked, clients created, secrets cache started empty. */
const dependencies = createIngestDependencies(process.env);

/** POST /webhooks/image-intelligence */
export const handler = createIngestHandler(
  ingestRoute('image-intelligence', { 'image-intelligence': imageIntelligence }),
  dependencies,
);
