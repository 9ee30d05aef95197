import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as v from 'valibot';
import { validate } from '../shared/validation/validation-issue';
import { VendorWebhooksStack } from './vendor-webhooks-stack';

/** The stack name: stable, because the README, outputs lookups and template path use it. */
export const STACK_NAME = 'VendorWebhooks';

/** `-c alarmEmail=ops@example.com`: optional; subscribes the address to every alarm. */
const AlarmEmailSchema = v.optional(v.pipe(v.string(), v.trim(), v.email()));

/**
 * `-c localInvoke=true`: synthesize the `sam local invoke` variant (see `function-environment.ts`).
 * The CLI passes context as strings; cdk.json may hold a boolean.
 */
const LocalInvokeSchema = v.optional(
  v.union([
    v.boolean(),
    v.pipe(
      v.picklist(['true', 'false']),
      v.transform((s) => s === 'true'),
    ),
  ]),
  false,
);

/** The app's context was malformed; synthesis stops before anything is built from it. */
export class AppContextError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`context "${key}": ${message}`);
    this.name = 'AppContextError';
  }
}

const readContext = <TSchema extends v.GenericSchema>(
  app: App,
  key: string,
  schema: TSchema,
): v.InferOutput<TSchema> => {
  const result = validate(schema, app.node.tryGetContext(key));
  if (!result.ok)
    throw new AppContextError(key, result.issues.map((issue) => issue.message).join('; '));
  return result.value;
};

/**
 * Builds the app: the one stack, with cdk-nag's AwsSolutions pack run as a policy validation
 * plugin on every synth (and so on every `cdk deploy`), so an unacknowledged finding fails the
 * build instead of reaching an account. Shared by `infra/app.ts` and the tests, so both see the
 * same stack, acknowledgments included.
 */
export const buildVendorWebhooksApp = (app: App): VendorWebhooksStack => {
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  );
  return new VendorWebhooksStack(app, STACK_NAME, {
    description:
      'Vendor webhook ingestion: HTTP API, ingest/worker/read Lambdas, SQS with DLQ and quarantine, DynamoDB records and ledger',
    alarmEmail: readContext(app, 'alarmEmail', AlarmEmailSchema),
    localInvoke: readContext(app, 'localInvoke', LocalInvokeSchema),
  });
};
