import { type AuthScheme, secretNamesOf } from '../../shared/auth/auth-scheme';
import {
  firstSecretOf,
  freshBodyJwtFor,
  rawBodyDigestHeaders,
} from '../../shared/auth/scheme-signer';
import { DEV_SECRETS, SECRET_NAMES, type SecretName } from '../../shared/config/dev-secrets';
import { readEnvironmentSecrets } from '../../shared/secrets/environment-secrets-provider';
import { type AnyVendorManifest, VENDOR_MANIFESTS } from '../../shared/vendors/manifests';
import type { SavedCounts } from './local-stack';
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

/** `A is empty`, `A and B are both empty`. */
const emptyNote = (names: readonly string[]): string =>
  names.length === 1 ? `${names.join('')} is empty` : `${names.join(' and ')} are both empty`;

/**
 * The curl arguments that carry a manifest's credential for its sample body, or `undefined` when
 * every secret the scheme could use is empty. Values from the environment are referenced, never
 * printed; a signature is computed with the value itself (it does not reveal it).
 */
const credentialArguments = (
  scheme: AuthScheme,
  url: string,
  body: Readonly<Record<string, unknown>>,
  secret: (name: string) => SecretInUse,
  now: Date,
): { url: string; headers: readonly string[]; data: string } | undefined => {
  const plain = JSON.stringify(body);
  switch (scheme.kind) {
    case 'header-secret': {
      const header = withCredential(secret(scheme.secret), `${scheme.header}: `);
      return header === undefined
        ? undefined
        : { url: shellQuote(url), headers: [header], data: plain };
    }
    case 'query-token': {
      const tokenUrl = withCredential(secret(scheme.secret), `${url}?token=`);
      return tokenUrl === undefined ? undefined : { url: tokenUrl, headers: [], data: plain };
    }
    case 'raw-body-digest': {
      const value = firstSecretOf(secret(scheme.secret).value);
      if (value === undefined) return undefined;
      const signed = rawBodyDigestHeaders(scheme, plain, now, value);
      return {
        url: shellQuote(url),
        headers: Object.entries(signed).map(([name, header]) => shellQuote(`${name}: ${header}`)),
        data: plain,
      };
    }
    case 'body-jwt': {
      const signing = firstSecretOf(secret(scheme.secret).value);
      if (signing !== undefined) {
        const token = freshBodyJwtFor(scheme, body, signing, now);
        const data = JSON.stringify({ ...body, [scheme.field]: token });
        return { url: shellQuote(url), headers: [], data };
      }
      return scheme.unsigned === undefined
        ? undefined
        : credentialArguments(scheme.unsigned, url, body, secret, now);
    }
  }
};

/** The curl for one vendor's sample delivery, or a comment saying it would be refused. */
const sampleCurl = (
  manifest: AnyVendorManifest,
  gatewayUrl: string,
  secret: (name: string) => SecretInUse,
  now: Date,
): string => {
  const { body, eventType } = manifest.local.sample;
  const credential = credentialArguments(
    manifest.auth,
    `${gatewayUrl}${manifest.routePath}`,
    body,
    secret,
    now,
  );
  if (credential === undefined) {
    const names = secretNamesOf(manifest.auth);
    return `# ${manifest.displayName}: ${emptyNote(names)}; every delivery is refused`;
  }
  const headers = [
    shellQuote('content-type: application/json'),
    ...(manifest.eventTypeHeader === undefined || eventType === undefined
      ? []
      : [shellQuote(`${manifest.eventTypeHeader}: ${eventType}`)]),
    ...credential.headers,
  ];
  return `curl -sS -X POST ${credential.url} ${headers.map((header) => `-H ${header}`).join(' ')} --data ${shellQuote(credential.data)}`;
};

/** One ready-to-paste curl per vendor, with that vendor's authentication. */
export const sampleCurls = (
  gatewayUrl: string,
  secrets: readonly SecretInUse[],
  now: Date,
): string[] => {
  const secret = (name: string): SecretInUse =>
    secrets.find((item) => item.name === name) ?? {
      name: name as SecretName,
      value: DEV_SECRETS[name as SecretName],
      fromEnvironment: false,
    };
  return VENDOR_MANIFESTS.map((manifest) => sampleCurl(manifest, gatewayUrl, secret, now));
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
    ...VENDOR_MANIFESTS.map(
      (manifest) =>
        `  ${manifest.displayName.padEnd(20)}${url}${manifest.routePath.padEnd(25)}${manifest.local.bannerHint}`,
    ),
    '',
    'Secrets (set the variable before npm start to change one; empty disables it):',
    ...secrets.map((secret) => `  ${secret.name.padEnd(width)}  ${describeSecret(secret)}`),
    '',
    'Try it (one per vendor):',
    ...sampleCurls(url, secrets, input.now).map((line) => `  ${line}`),
    '',
    'Read (GET; IAM-signed in AWS, open here):',
    ...VENDOR_MANIFESTS.slice(0, 1).map(
      (manifest) =>
        `  ${url}/images/{vendor}/{imageId}     e.g. ${url}/images/${manifest.vendor}/${manifest.local.sample.imageId}`,
    ),
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
