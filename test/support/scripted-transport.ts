import type {
  AwsHttpRequest,
  AwsHttpResponse,
  AwsHttpTransport,
} from '../../shared/aws/aws-json-client';

/** One scripted outcome of an attempt: an answer, or an error thrown before any answer came. */
export type ScriptedOutcome = AwsHttpResponse | Error;

/** A JSON answer of the protocol. */
export const jsonAnswer = (statusCode: number, body: unknown): AwsHttpResponse => ({
  statusCode,
  headers: { 'content-type': 'application/x-amz-json-1.0' },
  body: JSON.stringify(body),
});

/**
 * A transport that records every request and plays the outcomes in order (the last one repeats),
 * so a test decides what the wire answers without a server.
 */
export const scriptedTransport = (
  ...outcomes: ScriptedOutcome[]
): { readonly transport: AwsHttpTransport; readonly requests: AwsHttpRequest[] } => {
  const requests: AwsHttpRequest[] = [];
  const transport: AwsHttpTransport = (request) => {
    const outcome = outcomes[Math.min(requests.length, outcomes.length - 1)];
    requests.push(request);
    if (outcome === undefined) return Promise.reject(new Error('nothing scripted'));
    return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome);
  };
  return { transport, requests };
};

/** A transport that passes each request on to `inner` and records its `X-Amz-Target`. */
export const countingTransport = (
  inner: AwsHttpTransport,
): { readonly transport: AwsHttpTransport; readonly targets: string[] } => {
  const targets: string[] = [];
  return {
    targets,
    transport: (request) => {
      targets.push(request.headers['x-amz-target'] ?? '');
      return inner(request);
    },
  };
};
