import type { AwsEnvironment, AwsServiceId } from './aws-environment';

/**
 * The DNS suffix of a region's partition. Only the partitions a webhook stack can be deployed in
 * are listed; any other region is in the commercial one, as the SDK's own table would say.
 */
const dnsSuffixOf = (region: string): string =>
  region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';

/**
 * The URL a service's JSON calls are posted to: the override from the environment where set (the
 * local servers, the IAM proxy, the benchmark's stub), else the regional endpoint
 * `https://<service>.<region>.<suffix>`, which is what the SDK resolves for SQS and Secrets Manager
 * without FIPS or dual-stack (neither is configured for these functions).
 */
export const awsEndpoint = (
  service: AwsServiceId,
  environment: AwsEnvironment,
): URL | undefined => {
  const override = environment.endpoints[service];
  if (override !== undefined) return new URL(override);
  if (environment.region === undefined) return undefined;
  return new URL(`https://${service}.${environment.region}.${dnsSuffixOf(environment.region)}`);
};
