import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { functionBuildOptions } from '../../infra/bundling/function-bundling';
import { FUNCTION_NAMES, type FunctionName } from '../../shared/http/routes';
import { sourcesHash } from '../iam/function-roles';
import { REPOSITORY_ROOT } from './load-handler';

/** Where the bundles are kept between runs, one folder per hash of what they are built from. */
export const HANDLER_BUNDLES_DIR = join(
  REPOSITORY_ROOT,
  'node_modules',
  '.cache',
  'local-handlers',
);

/**
 * What the bundles are built from: the functions' code, the bundling options, the lockfile, and
 * the local stack's own code (the thread harness is bundled too).
 */
const BUNDLE_SOURCES = [
  'functions',
  'shared',
  'infra/bundling',
  'local',
  'package-lock.json',
  'tsconfig.json',
];

/** The harness each thread runs (`handler-thread.ts`), bundled for the machine's Node. */
const HARNESS_FILE = 'handler-thread.cjs';

/** How old another folder of bundles must be before a build removes it. */
const STALE_AFTER_MS = 10 * 60_000;

/** Each function's bundle, and how it was obtained, for the start log. */
export interface HandlerBundles {
  readonly files: Readonly<Record<FunctionName, string>>;
  /** The thread harness that loads a function's bundle and serves its invocations. */
  readonly harness: string;
  readonly fromCache: boolean;
  readonly ms: number;
}

/**
 * Every function bundled with the options Lambda's bundles are built with (`functionBuildOptions`:
 * ESM for Node 24, the AWS SDK inside, the same stubbed packages), except that it is not minified,
 * so stack traces keep the code's names; and the thread harness that serves it. The local stack
 * runs each function's thread from these: one file per thread loads in a fraction of the CPU that
 * compiling the TypeScript module graph once per thread costs, and it is the code Lambda runs.
 * Cached by a hash of `functions/`, `shared/`, `local/`, the bundling options, `tsconfig.json` and
 * the lockfile, so an edit is picked up on the next start and an unchanged tree costs a few file
 * checks.
 */
export const bundleHandlers = async (): Promise<HandlerBundles> => {
  const startedAt = Date.now();
  const hash = sourcesHash(REPOSITORY_ROOT, BUNDLE_SOURCES);
  const folder = join(HANDLER_BUNDLES_DIR, hash);
  const files = Object.fromEntries(
    FUNCTION_NAMES.map((name) => [name, join(folder, `${name}.mjs`)]),
  ) as Record<FunctionName, string>;
  const harness = join(folder, HARNESS_FILE);
  if ([harness, ...Object.values(files)].every((file) => existsSync(file))) {
    return { files, harness, fromCache: true, ms: Date.now() - startedAt };
  }
  // esbuild is loaded only when something must be built.
  const { build } = await import('esbuild');
  // Built whole into a folder of this process, then renamed: concurrent starts never load half
  // a bundle, and the first rename wins.
  const partial = `${folder}.${process.pid}.tmp`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    // One build for every function: each bundle stands alone, as in Lambda, and is the same
    // file one build per function would give, but modules they share are parsed once (2.5x
    // faster here).
    const { entryPoints: _entry, outfile: _file, ...deployed } = functionBuildOptions('', '');
    await Promise.all([
      build({
        ...deployed,
        entryPoints: Object.fromEntries(
          FUNCTION_NAMES.map((name) => [name, `functions/${name}/handler.ts`]),
        ),
        outdir: partial,
        outExtension: { '.js': '.mjs' },
        minify: false,
      }),
      build({
        entryPoints: ['local/lambda/handler-thread.ts'],
        outfile: join(partial, HARNESS_FILE),
        absWorkingDir: REPOSITORY_ROOT,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: `node${process.versions.node}`,
        logLevel: 'warning',
      }),
    ]);
    // Bundles of older sources go, once no start can still be about to load them.
    for (const stale of readdirSync(HANDLER_BUNDLES_DIR)) {
      const path = join(HANDLER_BUNDLES_DIR, stale);
      if (stale !== hash && Date.now() - statSync(path).mtimeMs > STALE_AFTER_MS) {
        rmSync(path, { recursive: true, force: true });
      }
    }
    try {
      renameSync(partial, folder);
    } catch {
      // Another start renamed its identical build first.
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return { files, harness, fromCache: false, ms: Date.now() - startedAt };
};
