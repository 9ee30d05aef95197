import type { Vendor } from '../../../shared/vendors/vendor';
import type { HttpRequest } from './http-client';
import { deliveriesFor, fixtureBodies, toHttpRequest, withUniqueIds } from './webhook-requests';

/** One webhook of a scenario, in the order the vendor sends it. */
export interface ScenarioEvent {
  readonly vendor: Vendor;
  /** What it is, for messages: `sharinpix new_tag_image (tag a, link 1)`. */
  readonly label: string;
  readonly request: HttpRequest;
}

const template = (vendor: Vendor, name: string): Record<string, unknown> => {
  const file = fixtureBodies().find(
    (candidate) => candidate.vendor === vendor && candidate.name === name,
  );
  if (!file) throw new Error(`missing fixture ${vendor}/${name}`);
  return file.body;
};

const objectAt = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value))
    : {};

const arrayAt = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/**
 * One scenario: the life of a SharinPix image, an Image Intelligence job and a Spyne SKU, each
 * with its own ids (`key`), as the vendors would send it:
 *
 * - SharinPix: new image (unprocessed), upload done, processed, tag A added (link 1), an Einstein
 *   prediction, tag A removed (link 1), tag A added again (a new link), tag B added, and, in every
 *   other scenario, the image deleted;
 * - Image Intelligence: the job IN_PROGRESS, then COMPLETED_SUCCESSFULLY;
 * - Spyne: the SKU in progress, done, and done again with re-edited outputs (a re-completion).
 *
 * SharinPix alternates its JSON and form deliveries. Events whose event time is the receipt time
 * are ordered by sending them in this order; the suite then changes only the processing order.
 */
export const scenarioEvents = (key: string, withDeletion: boolean): ScenarioEvent[] => {
  const events: ScenarioEvent[] = [];
  const add = (vendor: Vendor, name: string, label: string, body: Record<string, unknown>) => {
    const variants = deliveriesFor(vendor, name, body);
    const delivery = variants[events.length % variants.length];
    if (!delivery) throw new Error(`no delivery for ${label}`);
    events.push({ vendor, label: `${vendor} ${label}`, request: toHttpRequest(delivery) });
  };

  const image = withUniqueIds(template('sharinpix', 'image_processed'), key);
  const imageId = String(image.public_id);
  const tagTemplate = template('sharinpix', 'new_tag_image');
  const tagEvent = (link: string, tag: 'a' | 'b') => ({
    ...tagTemplate,
    id: `link-${link}-${key}`,
    tag: {
      ...objectAt(tagTemplate.tag),
      id: `tag-${tag}-${key}`,
      name: `Tag ${tag.toUpperCase()}`,
    },
    image,
  });
  add('sharinpix', 'new_image', 'new_image (unprocessed)', {
    ...image,
    processed: false,
    metadatas: {},
  });
  add('sharinpix', 'upload_done', 'upload_done', {
    count: 1,
    platform: 'mobile',
    album_id: image.album_id,
    image_ids: [imageId],
  });
  add('sharinpix', 'image_processed', 'image_processed', image);
  add('sharinpix', 'new_tag_image', 'new_tag_image (tag A, link 1)', tagEvent('1', 'a'));
  add('sharinpix', 'new_einstein_prediction', 'new_einstein_prediction', {
    ...template('sharinpix', 'new_einstein_prediction'),
    image_id: imageId,
  });
  add('sharinpix', 'delete_tag_image', 'delete_tag_image (tag A, link 1)', tagEvent('1', 'a'));
  add('sharinpix', 'new_tag_image', 'new_tag_image (tag A again, link 2)', tagEvent('2', 'a'));
  add('sharinpix', 'new_tag_image', 'new_tag_image (tag B, link 3)', tagEvent('3', 'b'));
  if (withDeletion) add('sharinpix', 'delete_image', 'delete_image', image);

  const completed = withUniqueIds(template('image-intelligence', 'detect--completed'), key);
  add('image-intelligence', 'detect--in-progress', 'job IN_PROGRESS', {
    ...completed,
    status: 'IN_PROGRESS',
    jobResults: [],
    imageResults: arrayAt(completed.imageResults).map((result) => {
      const { objects: _objects, ...rest } = objectAt(result);
      return { ...rest, status: 'IN_PROGRESS' };
    }),
  });
  add('image-intelligence', 'detect--completed', 'job COMPLETED_SUCCESSFULLY', completed);

  const sku = withUniqueIds(template('spyne', 'v2-sample-a'), key);
  const skuImages = arrayAt(sku.image_data).map(objectAt);
  add('spyne', 'v2-in-progress', 'SKU in progress', {
    ...sku,
    sku_status: 'In Progress',
    image_data: skuImages.map(({ output_image: _output, lowres_output: _lowres, ...rest }) => ({
      ...rest,
      status: 'Yet to Start',
    })),
  });
  add('spyne', 'v2-done', 'SKU done', sku);
  add('spyne', 'v2-redone', 'SKU done again (re-edited outputs)', {
    ...sku,
    image_data: skuImages.map((entry) => ({
      ...entry,
      output_image: `${String(entry.output_image)}?v=2`,
    })),
  });
  return events;
};
