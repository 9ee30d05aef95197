import * as path from 'node:path';
import type { BuildOptions } from 'esbuild';

/** The repository root: entries, tsconfig and the stub files below are resolved from here. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/**
 * ESM needs `require` for the CommonJS dependencies esbuild inlines (parts of the AWS SDK and
 * Powertools call `require` on Node built-ins); this recreates it at the top of the bundle.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * Packages replaced at bundle time by a small file of ours (paths relative to the project root,
 * where esbuild resolves alias targets). Each one is code that can never run in Lambda, so the
 * bundle, its parse time and its cold start stop paying for it:
 *
 * - `@aws-sdk/credential-provider-node`, the default credential chain (SSO, INI files, `process`
 *   credentials, web identity, container and instance metadata, and the STS/SSO clients they pull
 *   in). Lambda always hands the execution role's credentials to the function as
 *   `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN`, which is the chain's first
 *   link; the stub keeps exactly that link. `sam local invoke` sets the same variables.
 * - `@smithy/core/event-streams`: loaded only by operations with event-stream members;
 *   EventBridge, the one service still called through an SDK client (by the publisher), has none.
 *
 * A stub that lacks an export some SDK module imports fails the build, never a request.
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': './infra/bundling/stubs/environment-credentials.ts',
  '@smithy/core/event-streams': './infra/bundling/stubs/no-event-streams.ts',
};

/**
 * How every function is bundled, in one place: the CDK factory (`ServiceFunction`) maps it to
 * `NodejsFunction` bundling props and the benchmark passes it to esbuild's API, so the sizes and
 * cold starts measured are those of the code that is deployed.
 *
 * Minified, tree-shaken ESM for Node 24 with the AWS SDK bundled in (not taken from the runtime),
 * so the SDK version the tests ran against is the one that runs, and esbuild drops the unused
 * parts of it. No source map: it would roughly double the bundle and the cold start that loads it.
 */
export const FUNCTION_BUNDLING = {
  platform: 'node',
  format: 'esm',
  target: 'node24',
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  minify: true,
  sourcemap: false,
  treeShaking: true,
  aliases: BUNDLE_ALIASES,
  tsconfig: path.join(PROJECT_ROOT, 'tsconfig.json'),
} as const;

/**
 * The esbuild command-line arguments `NodejsFunction` cannot express through its own props; CDK
 * runs esbuild from the project root, where the alias paths resolve.
 */
export const functionEsbuildArgs = (): Record<string, string> => ({
  '--tree-shaking': String(FUNCTION_BUNDLING.treeShaking),
  ...Object.fromEntries(
    Object.entries(FUNCTION_BUNDLING.aliases).map(([pkg, stub]) => [`--alias:${pkg}`, stub]),
  ),
});

/** The same bundle through esbuild's API (benchmark, tooling): identical options, plus outputs. */
export const functionBuildOptions = (entry: string, outfile: string): BuildOptions => ({
  entryPoints: [entry],
  outfile,
  bundle: true,
  absWorkingDir: PROJECT_ROOT,
  platform: FUNCTION_BUNDLING.platform,
  format: FUNCTION_BUNDLING.format,
  target: FUNCTION_BUNDLING.target,
  mainFields: [...FUNCTION_BUNDLING.mainFields],
  banner: { js: FUNCTION_BUNDLING.banner },
  minify: FUNCTION_BUNDLING.minify,
  sourcemap: FUNCTION_BUNDLING.sourcemap,
  treeShaking: FUNCTION_BUNDLING.treeShaking,
  alias: { ...FUNCTION_BUNDLING.aliases },
  tsconfig: FUNCTION_BUNDLING.tsconfig,
  logLevel: 'warning',
});
