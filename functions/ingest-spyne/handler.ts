import {
  createIngestDependencies,
  createIngestHandler,
} from '../../shared/ingest/create-ingest-handler';
import { ingestRoute } from '../../shared/ingest/ingest-pipeline';
import { spyne } from '../../shared/vendors/spyne/definition';

/** Built once per container: config checked, clients created, secrets cache started empty. */
const dependencies = createIngestDependencies(process.env);

/** POST /webhooks/spyne */
export const handler = createIngestHandler(ingestRoute('spyne', { spyne }), dependencies);
