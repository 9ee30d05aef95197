import { FUNCTION_NAMES, type FunctionName } from '../../shared/http/routes';
import type { BundleResult } from '../report/results-schema';
import type { BuiltBundle, BuiltBundles } from '../support/build-bundles';

/** The bundle size goals, with whatever AWS client each function uses bundled in. */
export const BUNDLE_GOAL_BYTES: Readonly<Record<FunctionName, number>> = {
  'ingest-spyne': 200 * 1024,
  'ingest-sharinpix': 200 * 1024,
  'ingest-image-intelligence': 200 * 1024,
  'ingest-cloudinary': 200 * 1024,
  worker: 250 * 1024,
  read: 250 * 1024,
  publisher: 250 * 1024,
};

/**
 * Who an input file belongs to: its npm package (`@smithy/core`), or for project code its folder
 * (`shared/vendors`), so the contributors read as decisions ("Powertools", "our vendors").
 */
export const contributorOf = (inputPath: string): string => {
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(inputPath);
  if (packageMatch?.[1] !== undefined) return packageMatch[1];
  return inputPath.split('/').slice(0, 2).join('/');
};

/** The `count` largest contributors of a bundle, by bytes in the minified output. */
export const topContributors = (
  bundle: BuiltBundle,
  count: number,
): Array<{ name: string; bytes: number }> => {
  const totals = new Map<string, number>();
  for (const output of Object.values(bundle.metafile.outputs)) {
    for (const [inputPath, input] of Object.entries(output.inputs)) {
      const name = contributorOf(inputPath);
      totals.set(name, (totals.get(name) ?? 0) + input.bytesInOutput);
    }
  }
  return [...totals]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, count);
};

/** Measurement 1: each function bundle's minified size and its five largest contributors. */
export const measureBundleSizes = (bundles: BuiltBundles): BundleResult[] =>
  FUNCTION_NAMES.map((name) => {
    const bundle = bundles.get(name);
    return {
      name,
      bytes: bundle.bytes,
      goalBytes: BUNDLE_GOAL_BYTES[name],
      top: topContributors(bundle, 5),
    };
  });
