import { readFileSync } from 'node:fs';
import { UsageError } from '../../local/cli/usage-error';

/** A JSON file a person named on the command line; a bad path or bad JSON is a usage error. */
export const readJsonFile = (path: string): unknown => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not JSON`, { cause: error });
  }
};
