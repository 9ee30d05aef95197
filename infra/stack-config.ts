import type { App } from 'aws-cdk-lib';
import * as v from 'valibot';
import { HTTP_ROUTES, routeKeyOf } from '../shared/http/routes';
import { ServiceError } from '../shared/errors/service-error';

/**
 * Everything a deployment may set through CDK context (`-c key=value`, or `context` in
 * `cdk.json`), with its default. This is the one place the defaults live; `docs/deploy.md` lists
 * the same keys and a test keeps the two in step.
 */
export const STACK_CONFIG_DEFAULTS = {
  /** Which deployment this is; dev and prod can share an account because every name carries it. */
  stage: 'prod',
  /** No address: the alarm topic exists, nobody is subscribed. */
  alarmEmail: undefined,
  /** Function logs: a month covers incident review; events themselves live in the ledger. */
  logRetentionDays: 30,
  /** Access logs: three months covers a vendor's dispute of a delivery. */
  accessLogRetentionDays: 90,
  /** Per-route overrides of `ROUTE_THROTTLES`, by route key; none by default. */
  throttles: {},
  /** Overrides of `ALARM_THRESHOLD_DEFAULTS`; none by default. */
  alarmThresholds: {},
  /** No custom domain: the API answers on its execute-api URL only. */
  customDomainName: undefined,
  customDomainCertificateArn: undefined,
  /** Only for `sam local invoke` templates (see `function-environment.ts`). */
  localInvoke: false,
  /** No bus given: the stack creates its own custom bus for the change events. */
  changeEventBusArn: undefined,
} as const;

/**
 * Alarm thresholds, each explained where the alarm is built (`constructs/alarms.ts`).
 * - `serverErrorPercent`: share of API requests answered 5xx over five minutes.
 * - `throttledRequests`: requests answered 429 in five minutes. Routes are sized above every
 *   documented burst, so one 429 already means a flood or a vendor pattern nobody sized for.
 * - `unauthorizedPercent`: share of requests answered 401 over five minutes. A rotated or
 *   mistyped secret turns a vendor's every delivery into a 401; scanners alone stay below it.
 * - `invocationSpikePerMinute`: invocations of one ingest function in a minute, far above the
 *   largest documented burst (an upload of 50 images sends about 150 deliveries).
 */
export const ALARM_THRESHOLD_DEFAULTS = {
  serverErrorPercent: 5,
  throttledRequests: 1,
  unauthorizedPercent: 25,
  invocationSpikePerMinute: 600,
} as const;

/** The retention periods CloudWatch Logs accepts, in days. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

/**
 * The CLI passes every context value as a string, while `cdk.json` may hold numbers and objects:
 * a string is read with `parse` first, then both meet the same schema (and its messages).
 */
const fromCliString = <TSchema extends v.GenericSchema>(
  schema: TSchema,
  parse: (text: string) => unknown,
) =>
  v.pipe(
    v.unknown(),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      if (typeof dataset.value !== 'string') return dataset.value;
      try {
        return parse(dataset.value);
      } catch {
        addIssue({ message: `cannot read ${JSON.stringify(dataset.value)}` });
        return NEVER;
      }
    }),
    schema,
  );

/** `Number('')` is 0, and `Number('ten')` NaN: both are refused, not read as a limit. */
const PositiveNumberSchema = fromCliString(
  v.pipe(
    v.number('must be a number'),
    v.finite('must be a number'),
    v.minValue(0, 'must be at least 0'),
  ),
  (text) => (text.trim() === '' ? Number.NaN : Number(text)),
);

const RetentionDaysSchema = fromCliString(
  v.picklist(LOG_RETENTION_DAYS, `must be one of ${LOG_RETENTION_DAYS.join(', ')}`),
  Number,
);

/**
 * A stage name becomes part of the stack name, secret names and alarm names: lower-case letters,
 * digits and hyphens keep it valid in all three, and 16 characters keep names readable.
 */
const StageSchema = v.pipe(
  v.string(),
  v.regex(
    /^[a-z][a-z0-9-]{0,15}$/,
    'must be 1-16 lower-case letters, digits or hyphens, starting with a letter',
  ),
);

const ThrottleOverrideSchema = v.strictObject({
  rateLimit: v.optional(PositiveNumberSchema),
  burstLimit: v.optional(PositiveNumberSchema),
});

const KNOWN_ROUTE_KEYS = HTTP_ROUTES.map(routeKeyOf);

/** Overrides name routes that exist, so a typo fails the synth instead of being ignored. */
const ThrottleOverridesSchema = fromCliString(
  v.record(
    v.picklist(KNOWN_ROUTE_KEYS, `must be a route key: ${KNOWN_ROUTE_KEYS.join(', ')}`),
    ThrottleOverrideSchema,
  ),
  JSON.parse,
);

const AlarmThresholdsSchema = fromCliString(
  v.strictObject({
    serverErrorPercent: v.optional(PositiveNumberSchema),
    throttledRequests: v.optional(PositiveNumberSchema),
    unauthorizedPercent: v.optional(PositiveNumberSchema),
    invocationSpikePerMinute: v.optional(PositiveNumberSchema),
  }),
  JSON.parse,
);

const BooleanSchema = v.union(
  [
    v.boolean(),
    v.pipe(
      v.picklist(['true', 'false']),
      v.transform((s) => s === 'true'),
    ),
  ],
  'must be true or false',
);

/**
 * The context keys the app reads. Validated as a whole at the start of synthesis, so a malformed
 * value stops `cdk synth` and `cdk deploy` before anything is built, naming the key.
 */
export const StackConfigSchema = v.pipe(
  v.object({
    stage: v.optional(StageSchema, STACK_CONFIG_DEFAULTS.stage),
    alarmEmail: v.optional(v.pipe(v.string(), v.trim(), v.email('must be an email address'))),
    logRetentionDays: v.optional(RetentionDaysSchema, STACK_CONFIG_DEFAULTS.logRetentionDays),
    accessLogRetentionDays: v.optional(
      RetentionDaysSchema,
      STACK_CONFIG_DEFAULTS.accessLogRetentionDays,
    ),
    throttles: v.optional(ThrottleOverridesSchema, STACK_CONFIG_DEFAULTS.throttles),
    alarmThresholds: v.optional(AlarmThresholdsSchema, STACK_CONFIG_DEFAULTS.alarmThresholds),
    customDomainName: v.optional(
      v.pipe(
        v.string(),
        v.regex(
          /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
          'must be a lower-case DNS name such as hooks.example.com',
        ),
      ),
    ),
    customDomainCertificateArn: v.optional(
      v.pipe(
        v.string(),
        v.regex(
          /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/,
          'must be an ACM certificate ARN',
        ),
      ),
    ),
    localInvoke: v.optional(BooleanSchema, STACK_CONFIG_DEFAULTS.localInvoke),
    /**
     * An existing bus (in this account or another) that gets the change events instead of one the
     * stack creates. A bus in another account must allow this account's PutEvents in its policy.
     */
    changeEventBusArn: v.optional(
      v.pipe(
        v.string(),
        v.regex(
          /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[A-Za-z0-9._\-/]{1,256}$/,
          'must be an EventBridge event bus ARN such as arn:aws:events:eu-west-1:123456789012:event-bus/images',
        ),
      ),
    ),
  }),
  v.forward(
    v.check(
      (config) =>
        (config.customDomainName === undefined) ===
        (config.customDomainCertificateArn === undefined),
      'customDomainName and customDomainCertificateArn go together: set both or neither',
    ),
    ['customDomainName'],
  ),
);
export type StackConfig = v.InferOutput<typeof StackConfigSchema>;

/** The context keys `StackConfigSchema` reads, in its order. */
export const STACK_CONFIG_KEYS = Object.keys(
  STACK_CONFIG_DEFAULTS,
) as readonly (keyof StackConfig)[];

/** The app's context was malformed; synthesis stops before anything is built from it. */
export class StackConfigError extends ServiceError {
  readonly retryable = false;

  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`context "${key}": ${message}`);
    this.name = 'StackConfigError';
  }
}

/** Reads and checks every context key at once; throws naming the first bad key and why. */
export const readStackConfig = (app: App): StackConfig => {
  const context = Object.fromEntries(
    STACK_CONFIG_KEYS.map((key) => [key, app.node.tryGetContext(key) as unknown]).filter(
      ([, value]) => value !== undefined,
    ),
  );
  const result = v.safeParse(StackConfigSchema, context);
  if (result.success) return result.output;
  const [first] = result.issues;
  throw new StackConfigError(
    (first && v.getDotPath(first)) ?? 'context',
    result.issues.map((issue) => issue.message).join('; '),
  );
};

/** The stack of a stage: `VendorWebhooks-prod`, `VendorWebhooks-dev`. */
export const stackNameFor = (stage: string): string => `VendorWebhooks-${stage}`;
