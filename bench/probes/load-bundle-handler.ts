import { pathToFileURL } from 'node:url';
import * as v from 'valibot';

const HandlerModuleSchema = v.object({ handler: v.function() });

/** A bundled handler, called the way the Lambda runtime calls it. */
export type BundleHandler = (event: unknown, context: unknown) => Promise<unknown>;

/**
 * Imports a built bundle (an `.mjs` file) and returns its `handler` export. Probes load bundles,
 * not sources, so they measure exactly what is deployed. Set `process.env` first: handlers read
 * their configuration at module load, as in Lambda.
 */
export const loadBundleHandler = async (file: string): Promise<BundleHandler> => {
  const module: unknown = await import(pathToFileURL(file).href);
  const parsed = v.safeParse(HandlerModuleSchema, module);
  if (!parsed.success) throw new Error(`${file} does not export a function "handler"`);
  const handler = parsed.output.handler;
  return async (event, context) => handler(event, context);
};
