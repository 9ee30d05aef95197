import { Metrics } from '@aws-lambda-powertools/metrics';

/** One CloudWatch EMF metrics buffer per process (Powertools), flushed by each handler. */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'VendorWebhooks',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'vendor-webhooks',
});
