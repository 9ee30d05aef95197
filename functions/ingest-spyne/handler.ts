import { createIngestHandler } from '../../shared/ingest/create-ingest-handler';
import { createIngestDependencies } from '../../shared/ingest/ingest-dependencies';
import { resolveIngestRoute } from '../../shared/ingest/ingest-route';

/** Built once per container: config checked, clients created, secrets cache started empty. */
const dependencies = createIngestDependencies(process.env);

/** POST /webhooks/spyne */
export const handler = createIngestHandler(resolveIngestRoute('spyne'), dependencies);
