import { firstSecretOf, signFreshSpyneSignature } from '../../scripts/lib/spyne-signature';
import { DEV_SECRETS, SECRET_NAMES, type SecretName } from '../../shared/config/dev-secrets';
import { readEnvironmentSecrets } from '../../shared/secrets/environment-secrets-provider';
import type { SavedCounts } from './local-stack';
import {
  SAMPLE_IMAGE_INTELLIGENCE_BODY,
  SAMPLE_SHARINPIX_BODY,
  SAMPLE_SHARINPIX_EVENT,
  SAMPLE_SPYNE_BODY,
} from './sample-deliveries';
import type { StackFile } from './stack-file';
import type { Env } from '../../shared/config/env';

/** Quotes a value for a POSIX shell, so every printed command pastes as is. */
export const shellQuote = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`;

/** How one secret is configured: its value, and whether it came from the environment. */
export interface SecretInUse {
  readonly name: SecretName;
  /** `undefined` when disabled; a comma-separated rotation list keeps all its values. */
  readonly value: string | undefined;
  readonly fromEnvironment: boolean;
}

/** The secrets the handlers will use, resolved exactly as they resolve them. */
export const secretsInUse = (env: Env): SecretInUse[] => {
  const effective = readEnvironmentSecrets(env);
  return SECRET_NAMES.map((name) => ({
    name,
    value: effective[name],
    fromEnvironment: env[name] !== undefined,
  }));
};

const describeSecret = (secret: SecretInUse): string => {
  if (firstSecretOf(secret.value) === undefined) return '(empty: this credential is disabled)';
  if (secret.fromEnvironment) return '(from the environment; value not shown)';
  return `${secret.value ?? ''}   (dev default)`;
};

/**
 * A curl argument that ends with a credential: dev defaults inline, environment values as a shell
 * variable reference, so a real secret is never printed.
 */
const withCredential = (secret: SecretInUse, prefix: string): string | undefined => {
  const value = firstSecretOf(secret.value);
  if (value === undefined) return undefined;
  return secret.fromEnvironment
    ? `${shellQuote(prefix)}"\${${secret.name}}"`
    : shellQuote(`${prefix}${value}`);
};

/** One ready-to-paste curl per vendor, with that vendor's authentication. */
export const sampleCurls = (
  gatewayUrl: string,
  secrets: readonly SecretInUse[],
  now: Date,
): string[] => {
  const secret = (name: SecretName): SecretInUse =>
    secrets.find((item) => item.name === name) ?? {
      name,
      value: DEV_SECRETS[name],
      fromEnvironment: false,
    };
  const json = `-H ${shellQuote('content-type: application/json')}`;
  const lines: string[] = [];

  const signing = firstSecretOf(secret('SPYNE_SIGNING_SECRET').value);
  const spyneUrl = withCredential(secret('SPYNE_URL_TOKEN'), `${gatewayUrl}/webhooks/spyne?token=`);
  if (signing !== undefined) {
    const signature = signFreshSpyneSignature(SAMPLE_SPYNE_BODY, signing, now);
    const body = JSON.stringify({ ...SAMPLE_SPYNE_BODY, signature });
    lines.push(
      `curl -sS -X POST ${shellQuote(`${gatewayUrl}/webhooks/spyne`)} ${json} --data ${shellQuote(body)}`,
    );
  } else if (spyneUrl !== undefined) {
    lines.push(
      `curl -sS -X POST ${spyneUrl} ${json} --data ${shellQuote(JSON.stringify(SAMPLE_SPYNE_BODY))}`,
    );
  } else {
    lines.push(
      '# Spyne: SPYNE_SIGNING_SECRET and SPYNE_URL_TOKEN are both empty; every delivery is refused',
    );
  }

  const sharinpixSecret = withCredential(secret('SHARINPIX_SECRET'), 'x-sharinpix-secret: ');
  lines.push(
    sharinpixSecret === undefined
      ? '# SharinPix: SHARINPIX_SECRET is empty; every delivery is refused'
      : `curl -sS -X POST ${shellQuote(`${gatewayUrl}/webhooks/sharinpix`)} ${json} -H ${shellQuote(`x-sharinpix-event: ${SAMPLE_SHARINPIX_EVENT}`)} -H ${sharinpixSecret} --data ${shellQuote(JSON.stringify(SAMPLE_SHARINPIX_BODY))}`,
  );

  const imageUrl = withCredential(
    secret('IMAGE_INTELLIGENCE_TOKEN'),
    `${gatewayUrl}/webhooks/image-intelligence?token=`,
  );
  lines.push(
    imageUrl === undefined
      ? '# Image Intelligence: IMAGE_INTELLIGENCE_TOKEN is empty; every delivery is refused'
      : `curl -sS -X POST ${imageUrl} ${json} --data ${shellQuote(JSON.stringify(SAMPLE_IMAGE_INTELLIGENCE_BODY))}`,
  );
  return lines;
};

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/**
 * Everything a newcomer needs on one screen once the stack is healthy: where to send webhooks,
 * with which secrets, a curl per vendor, where to read records, and where the data lives.
 */
export const startBanner = (input: {
  info: StackFile;
  env: Env;
  startupMs: number;
  restored: SavedCounts;
  recoveredFromCrash: boolean;
  /** Whether the functions' IAM roles are enforced (`--no-iam` turns it off). */
  iamEnforced: boolean;
  /** `--forward-changes URL`, when given. */
  forwardChangesUrl?: string | undefined;
  now: Date;
}): string => {
  const { info } = input;
  const url = info.gatewayUrl;
  const secrets = secretsInUse(input.env);
  const width = Math.max(...secrets.map((secret) => secret.name.length));
  const restoredTotal = input.restored.main + input.restored.dlq + input.restored.quarantine;
  const lines = [
    `Local stack healthy in ${(input.startupMs / 1000).toFixed(1)} s.`,
    ...(input.iamEnforced
      ? [
          'IAM: every AWS call a function makes is checked against its role from the CDK app; each refusal is logged and counted in /health.',
        ]
      : [
          "WARNING: --no-iam: the functions' IAM roles are NOT enforced. A call their role does not allow succeeds here and fails in AWS.",
        ]),
    '',
    'Webhooks (POST):',
    `  Spyne               ${url}/webhooks/spyne          (v2: signed body; v1: ?token=SPYNE_URL_TOKEN)`,
    `  SharinPix           ${url}/webhooks/sharinpix      (headers X-Sharinpix-Event, X-Sharinpix-Secret)`,
    `  Image Intelligence  ${url}/webhooks/image-intelligence?token=IMAGE_INTELLIGENCE_TOKEN`,
    '',
    'Secrets (set the variable before npm start to change one; empty disables it):',
    ...secrets.map((secret) => `  ${secret.name.padEnd(width)}  ${describeSecret(secret)}`),
    '',
    'Try it (one per vendor):',
    ...sampleCurls(url, secrets, input.now).map((line) => `  ${line}`),
    '',
    'Read (GET; IAM-signed in AWS, open here):',
    `  ${url}/images/{vendor}/{imageId}     e.g. ${url}/images/spyne/${SAMPLE_SPYNE_BODY.image_data[0].image_id}`,
    `  ${url}/images?vendor={vendor}&collection={collectionId}`,
    `  ${url}/health`,
    '  npm run records                       every record as a table',
    '',
    "Change events (source vendor-webhooks: 'Image Record Changed', 'Collection Completed'):",
    info.inMemory
      ? '  kept in memory (--in-memory); each is also one line in this log'
      : `  appended to ${info.dataDir}/changes.jsonl; each is also one line in this log`,
    '  npm run changes -- --follow           print them as they are published (--json: whole)',
    ...(input.forwardChangesUrl === undefined
      ? []
      : [`  POSTed to ${input.forwardChangesUrl} (retried with backoff until it answers 2xx)`]),
    '',
    'Data:',
    `  DynamoDB Local  ${info.dynamoDbEndpoint}${info.dynamoDbPid ? ` (pid ${info.dynamoDbPid})` : ''}, tables ${info.tables.records}, ${info.tables.ledger}`,
    `  local SQS       ${info.sqsEndpoint}, queues ${info.queues.main.name}, ${info.queues.dlq.name}, ${info.queues.quarantine.name}`,
    info.inMemory
      ? '  --in-memory: nothing is kept after this process stops.'
      : `  Kept in ${info.dataDir}: tables in dynamodb/, queues saved to sqs/ on stop.`,
    ...(restoredTotal > 0
      ? [
          `  Restored ${plural(input.restored.main, 'message')} to the main queue, ${input.restored.dlq} to the DLQ, ${input.restored.quarantine} to quarantine.`,
        ]
      : []),
    ...(input.recoveredFromCrash
      ? [
          '  Warning: the previous stack did not stop cleanly; messages queued during its run were not saved.',
        ]
      : []),
    '',
    'Ctrl+C stops cleanly: in-flight requests finish, the worker drains the queue, queues are saved.',
  ];
  return lines.join('\n');
};
