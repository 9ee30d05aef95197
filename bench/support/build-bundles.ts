import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { functionBuildOptions } from '../../infra/bundling/function-bundling';
import { FUNCTION_NAMES, type FunctionName } from '../../shared/http/routes';

/** Bundles the benchmark builds besides the five functions: references, floors and probes. */
export const BENCH_ENTRIES = [
  { name: 'hello', entry: 'bench/probes/hello-handler.ts' },
  { name: 'ingest-floor', entry: 'bench/probes/ingest-floor-handler.ts' },
  { name: 'ingest-floor-sdk', entry: 'bench/probes/ingest-floor-sdk-handler.ts' },
  { name: 'worker-floor', entry: 'bench/probes/worker-floor-handler.ts' },
  { name: 'ingest-cpu-probe', entry: 'bench/probes/ingest-cpu-probe.ts' },
  { name: 'batch-throughput-probe', entry: 'bench/probes/batch-throughput-probe.ts' },
  { name: 'sqs-stub-server', entry: 'bench/probes/sqs-stub-server.ts' },
] as const;
export type BenchEntry = (typeof BENCH_ENTRIES)[number]['name'];
export type BundleName = FunctionName | BenchEntry;

/** One built bundle: where it is, its size, and esbuild's account of what went into it. */
export interface BuiltBundle {
  readonly name: BundleName;
  readonly file: string;
  readonly bytes: number;
  readonly metafile: Metafile;
}

/** The bundles of one run, by name. */
export class BuiltBundles {
  constructor(private readonly bundles: ReadonlyMap<BundleName, BuiltBundle>) {}

  get(name: BundleName): BuiltBundle {
    const bundle = this.bundles.get(name);
    if (bundle === undefined) throw new Error(`bundle ${name} was not built`);
    return bundle;
  }
}

const buildOne = async (name: BundleName, entry: string, file: string): Promise<BuiltBundle> => {
  const result = await build({ ...functionBuildOptions(entry, file), metafile: true });
  const output = Object.values(result.metafile.outputs)[0];
  if (output === undefined) throw new Error(`esbuild wrote nothing for ${entry}`);
  return { name, file, bytes: output.bytes, metafile: result.metafile };
};

/**
 * Builds every function with the deployed options (`functionBuildOptions`, shared with the CDK
 * factory), plus the benchmark's own bundles, into `directory`: a folder with no `node_modules`
 * above it, so a bundle that still needed a package would fail to load there.
 */
export const buildBundles = async (directory: string): Promise<BuiltBundles> => {
  mkdirSync(directory, { recursive: true });
  const entries: ReadonlyArray<{ name: BundleName; entry: string }> = [
    ...FUNCTION_NAMES.map((name) => ({ name, entry: `functions/${name}/handler.ts` })),
    ...BENCH_ENTRIES,
  ];
  const built = await Promise.all(
    entries.map(({ name, entry }) => buildOne(name, entry, join(directory, `${name}.mjs`))),
  );
  return new BuiltBundles(new Map(built.map((bundle) => [bundle.name, bundle])));
};
