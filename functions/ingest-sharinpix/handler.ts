import {
  createIngestDependencies,
  createIngestHandler,
} from '../../shared/ingest/create-ingest-handler';
import { ingestRoute } from '../../shared/ingest/ingest-pipeline';
import { sharinpix } from '../../shared/vendors/sharinpix/definition';

/** Built once per container: config checked, clients created, secrets cache started empty. */
const dependencies = createIngestDependencies(process.env);

/** POST /webhooks/sharinpix */
export const handler = createIngestHandler(ingestRoute('sharinpix', { sharinpix }), dependencies);
