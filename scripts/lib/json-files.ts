import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../local/cli/usage-error';

/** The `.json` files a path names: the file itself, or every one under a folder, sorted. */
export const jsonFilesUnder = (path: string): string[] => {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch (error) {
    throw new UsageError(`${path} does not exist`, { cause: error });
  }
  if (!stats.isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const child = join(path, entry.name);
      if (entry.isDirectory()) return jsonFilesUnder(child);
      return entry.name.endsWith('.json') ? [child] : [];
    });
};
