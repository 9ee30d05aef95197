import { toJsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import {
  CollectionCompletedEventSchema,
  ImageRecordChangedEventSchema,
} from '../../shared/changes/change-event';
import { ImageRecordSchema } from '../../shared/record/image-record';

/** The checked-in JSON Schemas, by file name under `schemas/`, and the valibot schema of each. */
const SOURCES: ReadonlyArray<{ file: string; title: string; schema: v.GenericSchema }> = [
  { file: 'image-record.schema.json', title: 'Image record', schema: ImageRecordSchema },
  {
    file: 'image-record-changed.schema.json',
    title: 'Image Record Changed event',
    schema: ImageRecordChangedEventSchema,
  },
  {
    file: 'collection-completed.schema.json',
    title: 'Collection Completed event',
    schema: CollectionCompletedEventSchema,
  },
];

/**
 * Each JSON Schema as the file's exact text, generated from the valibot schemas the code
 * validates with. `errorMode: 'throw'` makes a valibot construct JSON Schema cannot express fail
 * the generation instead of being silently left out.
 */
export const jsonSchemaFiles = (): ReadonlyArray<{ file: string; text: string }> =>
  SOURCES.map(({ file, title, schema }) => ({
    file,
    text: `${JSON.stringify({ title, ...toJsonSchema(schema, { errorMode: 'throw' }) }, null, 2)}\n`,
  }));
