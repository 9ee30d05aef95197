import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FUNCTION_NAMES } from '../../shared/http/routes';
import type { ColdInitResult } from '../report/results-schema';
import type { BuiltBundles, BundleName } from '../support/build-bundles';
import { lambdaLikeEnvironment } from '../support/lambda-environment';
import { median, percentile, round } from '../support/stats';

/**
 * What one fresh process runs: the time from just before `import()` of the bundle to its
 * resolution, i.e. module parse, link and top-level code (config checks, SDK clients,
 * Powertools, schemas). Node's own start-up is excluded, as Lambda's init phase excludes the
 * runtime's.
 */
const IMPORT_PROBE = `const started = performance.now();
await import(process.argv[2]);
process.stdout.write(JSON.stringify({ ms: performance.now() - started }));
`;

const importOnce = (probe: string, bundleFile: string, env: NodeJS.ProcessEnv): Promise<number> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [probe, bundleFile], {
      cwd: join(bundleFile, '..'),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const match = /\{"ms":([\d.]+)\}/.exec(stdout);
      if (code !== 0 || match?.[1] === undefined) {
        reject(new Error(`importing ${bundleFile} failed (exit ${code}): ${stderr.slice(-2000)}`));
      } else {
        resolve(Number(match[1]));
      }
    });
  });

/**
 * Measurement 2: the median import time of each bundle over `runs` fresh `node` processes, next
 * to a hello-world bundle built the same way. Runs are interleaved across bundles (round-robin),
 * so a noisy moment on the machine hits every bundle instead of one.
 */
export const measureColdInit = async (
  bundles: BuiltBundles,
  workDir: string,
  runs: number,
): Promise<ColdInitResult> => {
  const probe = join(workDir, 'import-probe.mjs');
  writeFileSync(probe, IMPORT_PROBE);
  const names: BundleName[] = ['hello', ...FUNCTION_NAMES];
  const samples = new Map<BundleName, number[]>(names.map((name) => [name, []]));
  for (let run = 0; run < runs; run += 1) {
    for (const name of names) {
      const ms = await importOnce(probe, bundles.get(name).file, lambdaLikeEnvironment(name));
      samples.get(name)?.push(ms);
    }
  }
  const helloMs = median(samples.get('hello') ?? []);
  return {
    runs,
    node: process.version,
    helloMs: round(helloMs),
    bundles: FUNCTION_NAMES.map((name) => {
      const times = samples.get(name) ?? [];
      const medianMs = median(times);
      return {
        name,
        medianMs: round(medianMs, 1),
        p90Ms: round(percentile(times, 0.9), 1),
        ratioToHello: round(medianMs / helloMs, 1),
      };
    }),
  };
};
