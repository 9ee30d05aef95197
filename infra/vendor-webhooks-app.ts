import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ControlTowerGuardChecks } from './guard-checks';
import { readStackConfig, stackNameFor } from './stack-config';
import { VendorWebhooksStack } from './vendor-webhooks-stack';

/** Which policy checks run at synthesis. */
export interface BuildOptions {
  /**
   * `false` leaves every policy validation plugin out: the local stack synthesizes only to read
   * the roles it enforces, which the plugins never change, and they would cost seconds of every
   * start.
   */
  readonly validate?: boolean;
  /**
   * Run cfn-guard's Control Tower rules (an external binary, seconds per synth). On for `cdk
   * synth` and deploys; template tests that check something else may leave it off, and the guard
   * test turns it on.
   */
  readonly guard?: boolean;
}

/**
 * Builds the app: the stack of the stage the context names (`-c stage=dev` gives
 * `VendorWebhooks-dev`; see `stack-config.ts` for every setting and its default), with two
 * policy validation plugins on every synth (and so on every `cdk deploy`): cdk-nag's
 * AwsSolutions pack and AWS Control Tower's proactive controls through cfn-guard. An unexempted
 * finding of either fails the build instead of reaching an account. Shared by `infra/app.ts`,
 * the local stack and the tests, so all see the same stack, acknowledgments and exemptions
 * included.
 */
export const buildVendorWebhooksApp = (
  app: App,
  options: BuildOptions = {},
): VendorWebhooksStack => {
  const config = readStackConfig(app);
  if (options.validate ?? true) {
    Validations.of(app).addPlugins(
      new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
    );
    // Exemptions are per resource (`guard-exemptions.ts`), never a rule disabled app-wide.
    if (options.guard ?? true) Validations.of(app).addPlugins(new ControlTowerGuardChecks());
  }
  return new VendorWebhooksStack(app, stackNameFor(config.stage), {
    description: `Vendor webhook ingestion (stage ${config.stage}): HTTP API, ingest/worker/read/publisher Lambdas, SQS with DLQ and quarantine, DynamoDB records and ledger, change events on EventBridge`,
    config,
  });
};
