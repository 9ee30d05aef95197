import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemaFiles } from './lib/json-schemas';

/** `npm run schemas`: writes `schemas/*.schema.json` from the valibot schemas. */
const directory = join(__dirname, '..', 'schemas');
mkdirSync(directory, { recursive: true });
for (const { file, text } of jsonSchemaFiles()) {
  writeFileSync(join(directory, file), text);
  process.stdout.write(`wrote schemas/${file}\n`);
}
