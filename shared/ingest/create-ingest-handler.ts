import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { IngestDependencies } from './ingest-dependencies';
import {
  type IngestRoute,
  internalErrorResponse,
  runIngestPipeline,
  toIngestResponse,
} from './ingest-pipeline';
import { toIngestRequest } from './ingest-request';
import { reportDelivery, reportFailure } from './ingest-telemetry';

/** An API Gateway HTTP API (payload 2.0) handler. */
export type IngestHandler = (
  event: APIGatewayProxyEventV2,
  context?: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * Wraps the pipeline as a thin Lambda handler: build the request, run the pipeline, report, map
 * the outcome to the contract's response. It is also the error boundary: anything unexpected
 * answers 500 `{"error":"internal_error"}` (never 2xx, so the vendor retries) and its text is
 * never sent back.
 */
export const createIngestHandler =
  (route: IngestRoute, dependencies: IngestDependencies): IngestHandler =>
  async (event, context) => {
    const { log, metrics } = dependencies;
    let requestId = context?.awsRequestId ?? 'unknown';
    try {
      if (context !== undefined) log.addContext?.(context);
      const request = toIngestRequest(event, { now: dependencies.now(), requestId });
      requestId = request.requestId;
      const outcome = await runIngestPipeline(route, request, dependencies);
      const response = toIngestResponse(outcome);
      reportDelivery(dependencies, {
        vendor: route.vendor,
        requestId,
        outcome,
        status: response.statusCode ?? 500,
      });
      return response;
    } catch (error) {
      try {
        reportFailure(dependencies, route.vendor, requestId, error);
      } catch {
        // Reporting must not turn a 500 into an unhandled rejection.
      }
      return internalErrorResponse();
    } finally {
      try {
        metrics.publishStoredMetrics();
      } catch {
        // Same: a metrics flush failure never changes the answer.
      }
    }
  };
