import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The Chromium the console test drives: `CHROMIUM_PATH` when set, else Debian's `chromium` on the
 * PATH (what `scripts/ensure-chromium.sh` installs). Missing, it fails with the command that
 * installs it: the test needs a real browser and is never skipped.
 */
export const chromiumPath = (): string => {
  const given = process.env.CHROMIUM_PATH;
  if (given) return given;
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(directory, 'chromium');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  throw new Error(
    'chromium not found: the console test drives a real headless Chromium. Install it with `bash scripts/ensure-chromium.sh` (Debian: apt-get install chromium), or set CHROMIUM_PATH.',
  );
};
