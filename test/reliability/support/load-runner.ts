import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import type { HttpRequest } from './http-client';
import { type LoadResult, LoadResultSchema } from './load-client-protocol';
import { REPOSITORY_ROOT } from './local-stack-process';
import { stackChildEnvironment } from '../../../local/stack/spawn-local-stack';

/** Sends `requests` from a separate load-client process and returns what it measured. */
export const runLoadClient = async (
  url: string,
  requests: readonly HttpRequest[],
  concurrency: number,
): Promise<LoadResult> => {
  const dir = mkdtempSync(join(tmpdir(), 'reliability-load-'));
  try {
    const planPath = join(dir, 'plan.json');
    const resultPath = join(dir, 'result.json');
    writeFileSync(
      planPath,
      JSON.stringify({
        url,
        concurrency,
        requests: requests.map((request) => ({
          path: request.path,
          query: request.query ?? '',
          headers: request.headers ?? {},
          bodyBase64: (request.body ?? Buffer.alloc(0)).toString('base64'),
        })),
      }),
    );
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>(
      (resolve) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', 'test/reliability/support/load-client.ts', planPath, resultPath],
          {
            cwd: REPOSITORY_ROOT,
            env: stackChildEnvironment(),
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        );
        let errors = '';
        child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
        child.once('exit', (exitCode) => resolve({ code: exitCode, stderr: errors }));
      },
    );
    if (code !== 0) throw new Error(`the load client failed (${code}): ${stderr}`);
    return v.parse(LoadResultSchema, JSON.parse(readFileSync(resultPath, 'utf8')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
