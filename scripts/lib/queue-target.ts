import { SQSClient } from '@aws-sdk/client-sqs';
import * as v from 'valibot';
import { UsageError } from '../../local/cli/usage-error';
import { LOCAL_AWS } from '../../local/servers/dynamodb-local';
import type { StackFile } from '../../local/stack/stack-file';
import { readJsonFile } from './json-file';

/** Which queue an operator command looks at. */
export type QueueSource = 'dlq' | 'quarantine';

/** The queue a command looks at, the main queue it redrives to, and the client for both. */
export interface QueueTarget {
  readonly sourceUrl: string;
  readonly mainUrl: string;
  readonly client: SQSClient;
  /** Where it runs, for the summary line. */
  readonly description: string;
}

/** `cdk deploy --outputs-file` writes `{ "<StackName>": { "<OutputKey>": "<value>" } }`. */
const CdkOutputsSchema = v.record(v.string(), v.record(v.string(), v.unknown()));

/** The stack output keys of the queues (infra/stack-outputs.ts). */
const OUTPUT_KEYS = {
  main: 'WebhookQueueUrl',
  dlq: 'DeadLetterQueueUrl',
  quarantine: 'QuarantineQueueUrl',
} as const;

const isLocalUrl = (url: URL): boolean =>
  url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '::1';

/** `https://sqs.eu-west-1.amazonaws.com/…` → `eu-west-1`. */
const regionOfQueueUrl = (url: URL): string | undefined =>
  /^sqs[.-]([a-z0-9-]+)\.amazonaws\.com/.exec(url.hostname)?.[1];

const parseUrl = (text: string, flag: string): URL => {
  try {
    return new URL(text);
  } catch (error) {
    throw new UsageError(`${flag} must be a queue URL, got "${text}"`, { cause: error });
  }
};

/**
 * An SQS client for queue URLs given by hand: a local server's URL gets that endpoint and dummy
 * credentials; an AWS URL gets the default credential chain (profile, SSO, environment) and the
 * region in the URL, unless `--region`/`AWS_REGION` says otherwise.
 */
const clientFor = (url: URL, region: string | undefined): SQSClient => {
  if (isLocalUrl(url)) return new SQSClient({ ...LOCAL_AWS, endpoint: url.origin });
  const chosen = region ?? regionOfQueueUrl(url);
  return new SQSClient(chosen ? { region: chosen } : {});
};

/** Queue URLs from a `cdk deploy --outputs-file` file. */
const fromOutputsFile = (path: string, source: QueueSource) => {
  const outputs = v.safeParse(CdkOutputsSchema, readJsonFile(path));
  if (!outputs.success) throw new UsageError(`${path} is not a cdk outputs file`);
  for (const values of Object.values(outputs.output)) {
    const main = values[OUTPUT_KEYS.main];
    const from = values[OUTPUT_KEYS[source]];
    if (typeof main === 'string' && typeof from === 'string')
      return { sourceUrl: from, mainUrl: main };
  }
  throw new UsageError(`${path} has no stack with ${OUTPUT_KEYS.main} and ${OUTPUT_KEYS[source]}`);
};

/**
 * Resolves the queues a command works on: explicit `--url` (source queue) and `--to` (main queue), or a
 * `cdk deploy --outputs-file` file (`--outputs`), or else the running local stack.
 */
export const resolveQueueTarget = (input: {
  source: QueueSource;
  url?: string;
  to?: string;
  outputs?: string;
  region?: string;
  localStack: StackFile | undefined;
}): QueueTarget => {
  if (input.outputs !== undefined || input.url !== undefined) {
    const urls =
      input.outputs !== undefined
        ? fromOutputsFile(input.outputs, input.source)
        : { sourceUrl: input.url ?? '', mainUrl: input.to ?? '' };
    if (urls.mainUrl === '') throw new UsageError('--url needs --to <main queue URL> as well');
    const source = parseUrl(urls.sourceUrl, '--url');
    parseUrl(urls.mainUrl, '--to');
    return {
      ...urls,
      client: clientFor(source, input.region ?? process.env.AWS_REGION),
      description: source.host,
    };
  }
  const stack = input.localStack;
  if (!stack) {
    throw new UsageError(
      'no local stack is running (npm start). For AWS give --outputs cdk-outputs.json, or --url <queue URL> --to <main queue URL>.',
    );
  }
  return {
    sourceUrl: stack.queues[input.source].url,
    mainUrl: stack.queues.main.url,
    client: new SQSClient({ ...LOCAL_AWS, endpoint: stack.sqsEndpoint }),
    description: `local stack at ${stack.sqsEndpoint}`,
  };
};
