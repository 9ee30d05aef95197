import type { ReprocessSummary } from './reprocess-archive';

/** Rewritten images listed one per line before the summary; the rest are counted. */
const LISTED_IMAGES = 50;

const rate = (summary: ReprocessSummary): string =>
  summary.seconds > 0 ? `${Math.round(summary.selectedEvents / summary.seconds)} events/s` : '-';

/**
 * The text of `events reprocess`: one line per image rewritten (or that a dry run would rewrite)
 * with the record paths that change, then the counts, e.g.
 * `reprocessed 120 of 480 archived events in 1.9 s (63 events/s): 40 images, 12 rewritten, 28 unchanged`.
 */
export const formatReprocessSummary = (summary: ReprocessSummary): string => {
  const verb = summary.dryRun ? 'would rewrite' : 'rewrote';
  const lines = summary.rewritten
    .slice(0, LISTED_IMAGES)
    .map(
      (image) =>
        `${verb} ${image.vendor}/${image.imageId}${image.created ? ' (new)' : ''}: ${image.changed.join(', ') || '(provenance only)'}`,
    );
  if (summary.rewritten.length > LISTED_IMAGES) {
    lines.push(`… and ${summary.rewritten.length - LISTED_IMAGES} more images`);
  }
  for (const { eventId, reason } of summary.unreadable) {
    lines.push(`kept the fields of ${eventId}: its archive cannot be reprocessed (${reason})`);
  }
  for (const { imageId, error } of summary.failed) lines.push(`failed ${imageId}: ${error}`);
  const counts = [
    `${summary.images} images`,
    `${summary.rewritten.length} ${summary.dryRun ? 'to rewrite' : 'rewritten'}`,
    `${summary.unchanged} unchanged`,
    ...(summary.failed.length > 0 ? [`${summary.failed.length} failed`] : []),
    ...(summary.refusedChanges > 0 ? [`${summary.refusedChanges} changes refused`] : []),
    ...(summary.unresolvedAliasChanges > 0
      ? [`${summary.unresolvedAliasChanges} alias changes still held`]
      : []),
    ...(summary.conflicts > 0 ? [`${summary.conflicts} concurrent writes merged`] : []),
  ];
  lines.push(
    `${summary.dryRun ? 'dry run: ' : ''}reprocessed ${summary.selectedEvents} of ${summary.archivedEvents} archived events in ${summary.seconds.toFixed(1)} s (${rate(summary)}): ${counts.join(', ')}`,
  );
  return lines.join('\n');
};
