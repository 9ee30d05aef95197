import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import type {
  IPolicyValidationContextBeta1,
  IPolicyValidationPluginBeta1,
  PolicyValidationPluginReportBeta1,
} from 'aws-cdk-lib';

/**
 * AWS Control Tower's proactive controls, run by AWS's cfn-guard validator (rules and binary ship
 * in the package; nothing is downloaded), with every finding marked as an error.
 *
 * The validator leaves `severity` unset. CDK re-derives a plugin's verdict from severities as soon
 * as one of its findings is acknowledged, and an unset severity counts as "not an error": with a
 * single exemption in the app, every other violation would pass the synth silently. Marking them
 * errors keeps an unexempted finding fatal, which the guard test proves.
 */
export class ControlTowerGuardChecks implements IPolicyValidationPluginBeta1 {
  private readonly validator = new CfnGuardValidator({ controlTowerRulesEnabled: true });
  /** The validator's own name, so acknowledgments read `cdk-validator-cfnguard::<rule>`. */
  readonly name = this.validator.name;
  readonly version = this.validator.version;
  readonly ruleIds = this.validator.ruleIds;

  validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const report = this.validator.validate(context);
    return {
      ...report,
      violations: report.violations.map((violation) => ({ ...violation, severity: 'error' })),
    };
  }
}
