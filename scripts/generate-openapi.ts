import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiText } from './lib/openapi-document';

/** `npm run openapi`: writes `docs/openapi.json` from the route table and the valibot schemas. */
writeFileSync(join(__dirname, '..', 'docs', 'openapi.json'), openApiText());
process.stdout.write('wrote docs/openapi.json\n');
