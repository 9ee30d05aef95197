import { VENDOR_DEFINITIONS } from '../../../shared/vendors/registry';
import type { Vendor } from '../../../shared/vendors/vendor';
import { loadBody } from '../../support/vendor-bodies';

/** The collection a fixture body's event completes, read as the worker reads it. */
const completedBy = (vendor: Vendor, name: string, payload?: unknown, eventType?: string) => {
  const definition = VENDOR_DEFINITIONS[vendor];
  if (!definition) throw new Error(`no definition for ${vendor}`);
  const event = definition.read({
    payload: payload ?? loadBody(vendor, name),
    ...(eventType ? { eventType } : {}),
  });
  if (!event.ok)
    throw new Error(`${vendor}/${name} does not read: ${JSON.stringify(event.issues)}`);
  return definition.collectionCompleted(event.value);
};

describe('collection completion rules', () => {
  it('Spyne: a v2 SKU whose sku_status is done, in any case, completes its SKU', () => {
    // Prepare
    const body = loadBody('spyne', 'v2-sample-a') as Record<string, unknown>;

    // Act
    const done = completedBy('spyne', 'v2', { ...body, sku_status: 'DONE' });
    const pending = completedBy('spyne', 'v2', { ...body, sku_status: 'Yet to Start' });

    // Assess
    expect(done).toEqual({ kind: 'sku', id: body.sku_id, parentId: body.project_id });
    expect(pending).toBeUndefined();
  });

  it('Spyne: every v1 event completes its SKU', () => {
    // Prepare
    const body = loadBody('spyne', 'v1-sample') as Record<string, unknown>;

    // Act / Assess
    expect(completedBy('spyne', 'v1-sample')).toEqual({
      kind: 'sku',
      id: body.sku_id,
      parentId: body.project_id,
    });
  });

  it('SharinPix: upload_done completes its album; other events complete nothing', () => {
    // Prepare
    const body = loadBody('sharinpix', 'upload_done--web') as Record<string, unknown>;

    // Act / Assess
    expect(completedBy('sharinpix', 'upload_done--web', undefined, 'upload_done')).toEqual({
      kind: 'album',
      id: body.album_id,
    });
    expect(completedBy('sharinpix', 'new_image', undefined, 'new_image')).toBeUndefined();
    expect(
      completedBy('sharinpix', 'new_publication', undefined, 'new_publication'),
    ).toBeUndefined();
  });

  it('Image Intelligence: a job in any COMPLETED_* status completes; IN_PROGRESS does not', () => {
    // Prepare
    const body = loadBody('image-intelligence', 'detect--completed') as Record<string, unknown>;

    // Act / Assess
    expect(completedBy('image-intelligence', 'detect--completed')).toEqual({
      kind: 'job',
      id: body.id,
    });
    expect(
      completedBy('image-intelligence', 'x', { ...body, status: 'COMPLETED_WITH_ERRORS' }),
    ).toEqual({ kind: 'job', id: body.id });
    expect(completedBy('image-intelligence', 'detect--in-progress')).toBeUndefined();
  });
});
