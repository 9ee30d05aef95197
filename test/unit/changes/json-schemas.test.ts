import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemaFiles } from '../../../scripts/lib/json-schemas';

const SCHEMAS_DIR = join(__dirname, '..', '..', '..', 'schemas');

describe('schemas/', () => {
  it.each(jsonSchemaFiles().map(({ file, text }) => [file, text]))(
    '%s is what the valibot schemas generate (run `npm run schemas` after changing them)',
    (file, text) => {
      // Act
      const checkedIn = readFileSync(join(SCHEMAS_DIR, file), 'utf8');

      // Assess
      expect(checkedIn).toBe(text);
    },
  );

  it('describes the record the events carry', () => {
    // Prepare
    const schema = JSON.parse(
      readFileSync(join(SCHEMAS_DIR, 'image-record-changed.schema.json'), 'utf8'),
    );

    // Assess
    expect(schema.properties.detail.properties.record.required).toEqual(
      expect.arrayContaining(['vendor', 'imageId', 'status', 'urls', 'updatedAt']),
    );
    expect(schema.properties.source.const).toBe('vendor-webhooks');
  });
});
