import type { CollectionCompletedDetail } from './change-event';
import type { ImageRecordStore } from '../store/image-record-store';
import type { Vendor } from '../vendors/vendor';
import { isAnnounced, toImageRecord } from '../record/record-state';

export type CollectionCounts = CollectionCompletedDetail['images'];

/** Records per index page while counting: large pages, few Query calls. */
const COUNT_PAGE_SIZE = 500;

/**
 * Counts a collection's images for a `Collection Completed` event: `total` images not deleted,
 * and how many of them are `done` and `failed`. Reads the collection index page by page (one
 * Query per page, eventually consistent), so the counts include every image written before the
 * completion was recorded.
 */
export const countCollectionImages = async (
  store: Pick<ImageRecordStore, 'listCollection'>,
  vendor: Vendor,
  collectionId: string,
): Promise<CollectionCounts> => {
  const counts = { total: 0, done: 0, failed: 0 };
  let after;
  do {
    const page = await store.listCollection({
      vendor,
      collectionId,
      limit: COUNT_PAGE_SIZE,
      ...(after ? { after } : {}),
    });
    for (const stored of page.records) {
      if (!isAnnounced(stored.state)) continue;
      const { status } = toImageRecord(stored.state, stored.updatedAt);
      if (status === 'deleted') continue;
      counts.total += 1;
      if (status === 'done') counts.done += 1;
      if (status === 'failed') counts.failed += 1;
    }
    after = page.next;
  } while (after !== undefined);
  return counts;
};
