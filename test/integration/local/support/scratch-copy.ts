import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { REPOSITORY_ROOT } from '../../../../local/lambda/load-handler';

/** What a checkout holds that is not source: never copied. */
const NOT_SOURCE = new Set(['node_modules', '.git', '.data', 'cdk.out', 'coverage', 'dist']);

/** A copy of this repository's sources with one edit, and the way to remove it. */
export interface ScratchCopy {
  readonly root: string;
  readonly remove: () => void;
}

/**
 * Copies the repository's sources (not `node_modules`, which is linked, nor data or build output)
 * to a temporary folder and replaces `find` with `replace` in `file`, as a reviewer edits a scratch
 * copy. The text must occur exactly once, so the edit cannot silently miss.
 */
export const scratchCopyWith = (edit: {
  readonly file: string;
  readonly find: string;
  readonly replace: string;
}): ScratchCopy => {
  const root = mkdtempSync(join(tmpdir(), 'scratch-copy-'));
  cpSync(REPOSITORY_ROOT, root, {
    recursive: true,
    filter: (source) => !NOT_SOURCE.has(relative(REPOSITORY_ROOT, source).split('/')[0] ?? ''),
  });
  symlinkSync(join(REPOSITORY_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  const path = join(root, edit.file);
  const text = readFileSync(path, 'utf8');
  const occurrences = text.split(edit.find).length - 1;
  if (occurrences !== 1) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(
      `${edit.file} holds ${JSON.stringify(edit.find)} ${occurrences} times, not once`,
    );
  }
  writeFileSync(path, text.replace(edit.find, edit.replace));
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
};
