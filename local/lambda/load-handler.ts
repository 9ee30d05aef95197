import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { FUNCTION_NAMES, type FunctionName } from '../../shared/http/routes';
import { LocalStackError } from '../stack/local-stack-error';
import type { LambdaHandler } from './invoke-handler';

/** The repository root: functions live in `functions/<name>/handler.ts` under it. */
export const REPOSITORY_ROOT = join(__dirname, '..', '..');

const HandlerModuleSchema = v.object({ handler: v.function() });

/** Whether a name is one of the functions the project deploys. */
export const isFunctionName = (name: string): name is FunctionName =>
  (FUNCTION_NAMES as readonly string[]).includes(name);

/** Where a function's handler module lives. */
export const handlerPath = (name: FunctionName): string =>
  join(REPOSITORY_ROOT, 'functions', name, 'handler.ts');

/**
 * Imports `functions/<name>/handler.ts` and returns its `handler` export: the very code Lambda
 * runs. Import it only after `process.env` holds the function's environment, because handlers
 * read and check their configuration once, at module load, exactly as in Lambda.
 */
export const loadHandler = async (name: FunctionName): Promise<LambdaHandler> => {
  const path = handlerPath(name);
  if (!existsSync(path)) {
    throw new LocalStackError(`functions/${name}/handler.ts does not exist yet`);
  }
  const module: unknown = await import(path);
  const parsed = v.safeParse(HandlerModuleSchema, module);
  if (!parsed.success) {
    throw new LocalStackError(`functions/${name}/handler.ts does not export a function "handler"`);
  }
  const handler = parsed.output.handler;
  return (event, context) => handler(event, context);
};
