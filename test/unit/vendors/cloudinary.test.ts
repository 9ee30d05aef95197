import * as v from 'valibot';
import { ImageRecordSchema } from '../../../shared/record/image-record';
import { bodyNames } from '../../support/vendor-bodies';
import {
  body,
  changesOf,
  identityOf,
  RECEIVED_AT,
  readIssues,
  readOk,
  recordOf,
  resolved,
} from './cloudinary/cloudinary-test-kit';

const ASSET_A = 'c66f05238d4ca6294da6ba95908d7d24';
const ASSET_AVATAR = '6d42f35e7a2b6afa4cbaeaba5cbb751d';
const ASSET_SIDE = '5abbe7d4fd74ad44ccbce558dab6f875';
const CDN = 'https://res.cloudinary.com/demo/image/upload';

describe('Cloudinary upload', () => {
  it('maps the upload sample field by field, dated by its version', () => {
    // Prepare
    const payload = body('upload');

    // Act
    const { byId, byAlias } = changesOf(payload);

    // Assess
    expect(byAlias).toEqual([]);
    expect(byId.map((change) => change.aliases)).toEqual([['sku-48213-front']]);
    const record = recordOf(byId, ASSET_A);
    expect(record).toEqual({
      vendor: 'cloudinary',
      imageId: ASSET_A,
      collection: { kind: 'folder', id: 'catalog/shoes' },
      name: 'sku-48213-front',
      status: 'done',
      urls: { output: `${CDN}/v1791970212/sku-48213-front.jpg` },
      width: 2400,
      height: 1600,
      sizeBytes: 812334,
      format: 'jpg',
      createdAt: '2026-10-14T09:30:12.000Z',
      tags: [
        { id: 'catalog', name: 'catalog' },
        { id: 'shoes', name: 'shoes' },
      ],
      detections: [],
      vendorMeta: {
        'context.alt': 'Trail runner, front view',
        'context.sku': '48213',
        public_id: 'sku-48213-front',
        type: 'upload',
        version: 1791970212,
      },
      deleted: false,
      lastEventAt: '2026-10-14T09:30:12.000Z',
      updatedAt: RECEIVED_AT.toISOString(),
    });
    expect(v.safeParse(ImageRecordSchema, record).success).toBe(true);
  });

  it('holds an upload whose moderation is pending at processing', () => {
    // Act
    const record = recordOf(changesOf(body('upload--moderation-pending')).byId, ASSET_AVATAR);

    // Assess
    expect(record.status).toBe('processing');
    expect(record.name).toBe('avatar');
  });

  it('fails an upload that a moderation step already rejected, with the reason', () => {
    // Prepare
    const payload = { ...body('upload'), moderation: [{ kind: 'aws_rek', status: 'rejected' }] };

    // Act
    const record = recordOf(changesOf(payload).byId, ASSET_A);

    // Assess
    expect(record).toMatchObject({ status: 'failed', error: 'moderation rejected (aws_rek)' });
  });

  it('keeps no API key: not in the payload, not in a change', () => {
    // Act
    const event = readOk(body('upload'));
    const { byId } = changesOf(body('upload'));

    // Assess
    const text = JSON.stringify([event, byId]);
    expect(text).not.toContain('614285930017442');
    expect(text).not.toContain('signature_key');
  });

  it('answers a video upload as ignored: authentic, kept, no record', () => {
    // Prepare
    const payload = { ...body('upload'), resource_type: 'video' };

    // Act
    const identity = identityOf(payload);
    const { byId } = changesOf(payload);

    // Assess
    expect(identity.supported).toBe(false);
    expect(byId).toEqual([]);
  });
});

describe('Cloudinary moderation', () => {
  it('names the image by public id only, so its change goes through the alias', () => {
    // Act
    const { byId, byAlias } = changesOf(body('moderation--approved'));

    // Assess
    expect(byId).toEqual([]);
    expect(byAlias).toHaveLength(1);
    expect(byAlias[0]?.alias).toBe('ugc/u-7731/avatar_k2p9xq');
  });

  it('approved after a pending upload makes the image done, dated by moderation_updated_at', () => {
    // Prepare
    const upload = changesOf(body('upload--moderation-pending')).byId;
    const [approval] = changesOf(body('moderation--approved')).byAlias;
    if (!approval) throw new Error('no alias change');

    // Act
    const record = recordOf([resolved(approval, ASSET_AVATAR), ...upload], ASSET_AVATAR);

    // Assess
    expect(record.status).toBe('done');
    expect(record.lastEventAt).toBe('2026-10-14T10:41:09.000Z');
    expect(record.vendorMeta.moderation).toEqual({ kind: 'manual', status: 'approved' });
  });

  it('rejected makes the image failed with the moderation kind as the error', () => {
    // Prepare
    const [rejection] = changesOf(body('moderation--rejected')).byAlias;
    if (!rejection) throw new Error('no alias change');

    // Act
    const record = recordOf([resolved(rejection, 'asset-x')], 'asset-x');

    // Assess
    expect(record).toMatchObject({ status: 'failed', error: 'moderation rejected (aws_rek)' });
  });

  it('uses asset_id when a moderation carries one', () => {
    // Prepare
    const payload = { ...body('moderation--approved'), asset_id: ASSET_AVATAR };

    // Act
    const { byId, byAlias } = changesOf(payload);

    // Assess
    expect(byAlias).toEqual([]);
    expect(byId.map((change) => change.imageId)).toEqual([ASSET_AVATAR]);
  });
});

describe('Cloudinary rename, move, delete and bulk changes', () => {
  it('renames in place: same asset_id, new public id alias, name and no stale URL', () => {
    // Prepare
    const upload = changesOf(body('upload')).byId;

    // Act
    const rename = changesOf(body('rename')).byId;
    const record = recordOf([...rename, ...upload], ASSET_A);

    // Assess
    expect(rename.map((change) => [change.imageId, change.aliases])).toEqual([
      [ASSET_A, ['sku-48213-front-2026']],
    ]);
    expect(record.vendorMeta.public_id).toBe('sku-48213-front-2026');
    expect(record.urls.output).toBeUndefined();
    expect(record.status).toBe('done');
    expect(record.width).toBe(2400);
  });

  it('moves the image to another folder, and to no folder at the root', () => {
    // Prepare
    const upload = changesOf(body('upload')).byId;

    // Act
    const moved = recordOf([...upload, ...changesOf(body('move')).byId], ASSET_A);
    const side = recordOf(changesOf(body('move--to-root')).byId, ASSET_SIDE);

    // Assess
    expect(moved.collection).toEqual({ kind: 'folder', id: 'catalog/shoes/sale' });
    expect(side.collection).toBeUndefined();
  });

  it('deletes each image of a bulk delete; an item without asset_id goes by alias; videos are skipped', () => {
    // Act
    const both = changesOf(body('delete'));
    const mixed = changesOf(body('delete--by-public-id'));

    // Assess
    expect(both.byId.map((change) => [change.imageId, change.patch])).toEqual([
      [ASSET_SIDE, { deleted: true }],
      ['e0d4c2b8a61f47359d2c8b1a0f9e7d64', { deleted: true }],
    ]);
    expect(mixed.byId).toEqual([]);
    expect(mixed.byAlias.map((change) => change.alias)).toEqual(['legacy/banner-2019']);
  });

  it('applies tag additions and removals per tag, converging in any order', () => {
    // Prepare
    const upload = changesOf(body('upload')).byId;
    const first = changesOf(body('resource_tags_changed')).byId;
    const second = changesOf(body('resource_tags_changed--re-added')).byId;

    // Act
    const forward = recordOf([...upload, ...first, ...second], ASSET_A);
    const backward = recordOf([...second, ...first, ...upload], ASSET_A);

    // Assess
    expect(forward.tags.map((tag) => tag.id)).toEqual(['catalog', 'hero', 'shoes']);
    expect(backward).toEqual(forward);
  });

  it('reads context changes in both published shapes into vendorMeta keys', () => {
    // Act
    const arrays = recordOf(changesOf(body('resource_context_changed')).byId, ASSET_A);
    const maps = recordOf(changesOf(body('resource_context_changed--maps')).byId, ASSET_AVATAR);

    // Assess
    expect(arrays.vendorMeta).toEqual({
      'context.alt': 'Trail runner, front view, slate grey',
      'context.caption': 'Trail runner in slate grey',
    });
    expect(maps.vendorMeta).toEqual({ 'context.caption': 'Profile picture' });
  });

  it('sets the display name as the record name', () => {
    // Act
    const record = recordOf(changesOf(body('resource_display_name_changed')).byId, ASSET_A);

    // Assess
    expect(record.name).toBe('Trail runner \u2013 front');
  });

  it('attaches the latest eager derivations to vendorMeta', () => {
    // Act
    const record = recordOf(changesOf(body('eager')).byId, ASSET_A);

    // Assess
    expect(record.vendorMeta.eager).toEqual([
      {
        transformation: 'c_fill,h_400,w_400',
        url: `${CDN}/c_fill,h_400,w_400/v1791970212/sku-48213-front.jpg`,
        width: 400,
        height: 400,
        bytes: 38211,
        format: 'jpg',
      },
      {
        transformation: 'c_scale,w_1200/f_webp',
        url: `${CDN}/c_scale,w_1200/f_webp/v1791970212/sku-48213-front.webp`,
        width: 1200,
        height: 800,
        bytes: 96540,
        format: 'webp',
      },
    ]);
  });
});

describe('Cloudinary event identity', () => {
  it.each(bodyNames('cloudinary'))('%s keeps its eventId across receipt times', (name) => {
    // Act
    const first = identityOf(body(name), RECEIVED_AT);
    const retry = identityOf(body(name), new Date(RECEIVED_AT.getTime() + 9 * 60_000));

    // Assess
    expect(retry.eventId).toBe(first.eventId);
    expect(first.eventId.startsWith(`cloudinary:${String(body(name).notification_type)}:`)).toBe(
      true,
    );
  });

  it('gives every sample a distinct eventId', () => {
    // Act
    const ids = bodyNames('cloudinary').map((name) => identityOf(body(name)).eventId);

    // Assess
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('tells a tag added, removed and added again apart by their trigger times', () => {
    // Prepare
    const added = body('resource_tags_changed--re-added');
    const context = { triggered_at: '2026-10-14T11:45:00.000Z' };

    // Act
    const again = identityOf({ ...added, notification_context: context });

    // Assess
    expect(again.eventId).not.toBe(identityOf(added).eventId);
  });

  it('keeps its eventId when the API key fields or the trigger source change', () => {
    // Prepare
    const upload = body('upload');
    const resent = {
      ...upload,
      signature_key: 'another-key',
      api_key: 'another-key',
      notification_context: { triggered_at: '2026-10-14T09:30:13.874Z', triggered_by: {} },
    };

    // Act / Assess
    expect(identityOf(resent).eventId).toBe(identityOf(upload).eventId);
  });

  it.each([
    ['upload', 'upload', '2026-10-14T09:30:12.000Z'],
    ['moderation', 'moderation--approved', '2026-10-14T10:41:09.000Z'],
    ['rename', 'rename', '2026-10-15T08:20:31.004Z'],
    ['a bulk type', 'delete', '2026-10-15T08:00:05.118Z'],
    [
      'a notification with only a body timestamp',
      'resource_display_name_changed--no-context',
      '2026-10-14T11:50:00.000Z',
    ],
  ])('dates %s by the vendor time that dates the change', (_label, name, expected) => {
    // Act
    const identity = identityOf(body(name));

    // Assess
    expect(identity.eventTime.toISOString()).toBe(expected);
  });

  it('falls back to the receipt time for a vendor time beyond clock skew in the future', () => {
    // Prepare
    const payload = { ...body('upload'), version: 4102444800 };

    // Act
    const identity = identityOf(payload);

    // Assess
    expect(identity.eventTime).toEqual(RECEIVED_AT);
  });

  it('keeps an unsupported type as ignored, without API keys or the trigger source', () => {
    // Act
    const event = readOk(body('create_folder'));
    const identity = identityOf(body('create_folder'));

    // Assess
    expect(identity).toMatchObject({ eventType: 'create_folder', supported: false });
    expect(event.payload).toEqual({
      notification_type: 'create_folder',
      folder_name: 'sale',
      folder_path: 'catalog/shoes/sale',
      notification_context: { triggered_at: '2026-10-14T11:59:00.000Z' },
    });
  });

  it('reads its own validated payload back unchanged (the worker re-reads the queue)', () => {
    for (const name of bodyNames('cloudinary')) {
      // Act
      const first = readOk(body(name));
      const again = readOk(first.payload);

      // Assess
      expect([name, again]).toEqual([name, first]);
    }
  });
});

describe('Cloudinary bad input', () => {
  it.each([
    ['a body that is not an object', [], ''],
    ['no notification_type', { public_id: 'x' }, 'notification_type'],
    ['an implausible notification_type', { notification_type: 'Up load!' }, 'notification_type'],
    ['an upload without asset_id', { ...body('upload'), asset_id: undefined }, 'asset_id'],
    ['a rename without to_public_id', { ...body('rename'), to_public_id: '' }, 'to_public_id'],
    [
      'a moderation without public_id',
      { ...body('moderation--approved'), public_id: null },
      'public_id',
    ],
    [
      'a bulk item naming no asset',
      { ...body('delete'), resources: [{ resource_type: 'image' }] },
      'resources',
    ],
    ['an empty bulk list', { ...body('delete'), resources: [] }, 'resources'],
  ])('refuses %s, naming the path', (_label, payload, path) => {
    // Act
    const issues = readIssues(payload);

    // Assess
    expect(issues.map((issue) => issue.path)).toContain(path);
  });

  it.each([
    [
      'a non-http secure_url',
      { ...body('upload'), secure_url: 'javascript:alert(1)' },
      'secure_url',
    ],
    ['a negative size', { ...body('upload'), bytes: -1 }, 'bytes'],
  ])('accepts an upload with %s without it, naming the path', (_label, payload, path) => {
    // Act
    const event = readOk(payload);

    // Assess
    if (event.unsupported) throw new Error('expected a supported event');
    expect(event.dropped?.map((field) => field.path)).toEqual([path]);
    expect(event.payload).not.toHaveProperty(path);
  });
});
