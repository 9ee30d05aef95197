import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured JSON logger per process (Powertools). Handlers add the request id, vendor and
 * `eventId` as keys; nothing logs secrets, tokens, signatures or SharinPix `user` data, so no
 * redaction pass is needed after the fact.
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'vendor-webhooks',
});
