import {
  applyChange,
  eventClock,
  movesToAnotherCollection,
} from '../../../shared/record/record-state';
import type { ImageChange, ImagePatch } from '../../../shared/record/image-change';

const change = (eventId: string, patch: ImagePatch): ImageChange => ({
  vendor: 'spyne',
  imageId: 'img-1',
  clock: eventClock(new Date('2026-11-23T10:00:00.000Z'), eventId),
  patch,
});

const SKU_A = { kind: 'sku', id: 'sku-a', parentId: 'project-1' } as const;
const SKU_B = { kind: 'sku', id: 'sku-b', parentId: 'project-1' } as const;
const stateIn = (collection: typeof SKU_A | typeof SKU_B | undefined) =>
  applyChange(
    undefined,
    change('e1', { core: { name: 'x', ...(collection ? { collection } : {}) } }),
  ).state;

describe('movesToAnotherCollection', () => {
  it('refuses a change naming another collection under the fixed rule', () => {
    // Prepare
    const stored = stateIn(SKU_B);

    // Act
    const moves = movesToAnotherCollection(
      stored,
      change('e2', { core: { collection: SKU_A } }),
      'fixed',
    );

    // Assess
    expect(moves).toBe(true);
  });

  it('treats another parent (project) as another collection', () => {
    // Prepare
    const stored = stateIn(SKU_B);
    const sameSkuOtherProject = { ...SKU_B, parentId: 'project-2' };

    // Act
    const moves = movesToAnotherCollection(
      stored,
      change('e2', { core: { collection: sameSkuOtherProject } }),
      'fixed',
    );

    // Assess
    expect(moves).toBe(true);
  });

  it.each([
    ['the same collection', SKU_B, stateIn(SKU_B), 'fixed'],
    ['a record that holds no collection yet', SKU_A, stateIn(undefined), 'fixed'],
    ['an image not stored yet', SKU_A, undefined, 'fixed'],
    ['a vendor whose images move', SKU_A, stateIn(SKU_B), 'moves'],
  ] as const)('lets %s through', (_case, named, stored, rule) => {
    // Act
    const moves = movesToAnotherCollection(
      stored,
      change('e2', { core: { collection: named } }),
      rule,
    );

    // Assess
    expect(moves).toBe(false);
  });

  it('lets a change that names no collection through', () => {
    // Prepare
    const stored = stateIn(SKU_B);

    // Act
    const moves = movesToAnotherCollection(stored, change('e2', { core: { name: 'y' } }), 'fixed');

    // Assess
    expect(moves).toBe(false);
  });
});
