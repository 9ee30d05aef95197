import {
  INGEST_SIZING,
  PUBLISHER_SIZING,
  READ_SIZING,
  WORKER_SIZING,
} from '../../infra/function-sizing';

/** The configured memory of each kind of function, as the CDK stack deploys it. */
export const FUNCTION_MEMORY_MB = {
  ingest: INGEST_SIZING.memorySize,
  worker: WORKER_SIZING.memorySize,
  read: READ_SIZING.memorySize,
  publisher: PUBLISHER_SIZING.memorySize,
} as const;
