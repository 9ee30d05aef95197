/**
 * The HTTP API's access log format, apart from the construct that deploys it, so the bench can
 * size a line without loading the CDK.
 *
 * The access log line, one JSON object per request. It deliberately names only fields that
 * cannot carry credentials: the route key and the path (never the raw URL or query string, since
 * `?token=` authenticates two webhook routes), and no request headers (a vendor may send its
 * secret in one). The caller's IAM identity is kept for the IAM-authorized read routes.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  method: '$context.httpMethod',
  path: '$context.path',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatencyMs: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
  authorizerError: '$context.authorizer.error',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  callerArn: '$context.identity.userArn',
} as const;
