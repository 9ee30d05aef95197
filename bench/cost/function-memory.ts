import {
  PUBLISHER_SIZING,
  READ_SIZING,
  sizingOf,
  WORKER_SIZING,
} from '../../infra/function-sizing';
import { INGEST_FUNCTION_NAMES } from '../../shared/http/routes';

/** The configured memory of the functions that do not depend on the vendor, as deployed. */
export const FUNCTION_MEMORY_MB = {
  worker: WORKER_SIZING.memorySize,
  read: READ_SIZING.memorySize,
  publisher: PUBLISHER_SIZING.memorySize,
} as const;

/** An ingest function's configured memory: its vendor's, from the vendor's manifest. */
export const ingestMemoryMb = (name: string): number => {
  const found = INGEST_FUNCTION_NAMES.find((known) => known === name);
  if (found === undefined) throw new Error(`${name} is not an ingest function`);
  return sizingOf(found).memorySize;
};
