import type { EndpointDiscoveryResolvedConfig } from '@aws-sdk/middleware-endpoint-discovery';

/**
 * Bundle-time replacement of `@aws-sdk/middleware-endpoint-discovery` (see `BUNDLE_ALIASES`).
 * DynamoDB's client still resolves endpoint-discovery settings (with an LRU endpoint cache), but
 * none of its commands adds the discovery middleware in this SDK version, so nothing reads them.
 * The stub keeps the resolved shape without the cache library. If a command ever imports the
 * middleware again, the missing export fails the build.
 */
export const NODE_ENDPOINT_DISCOVERY_CONFIG_OPTIONS = {
  environmentVariableSelector: (): undefined => undefined,
  configFileSelector: (): undefined => undefined,
  default: undefined,
};

interface DiscoveryInput {
  readonly endpointDiscoveryEnabled?: boolean;
  readonly endpointDiscoveryEnabledProvider: () => Promise<boolean | undefined>;
}

/** The client's endpoint-discovery config, resolved without an endpoint cache. */
export const resolveEndpointDiscoveryConfig = <T extends DiscoveryInput>(
  input: T,
  {
    endpointDiscoveryCommandCtor,
  }: Pick<EndpointDiscoveryResolvedConfig, 'endpointDiscoveryCommandCtor'>,
): T & Omit<EndpointDiscoveryResolvedConfig, 'endpointCache'> =>
  Object.assign(input, {
    endpointDiscoveryCommandCtor,
    endpointDiscoveryEnabled:
      input.endpointDiscoveryEnabled === undefined
        ? input.endpointDiscoveryEnabledProvider
        : () => Promise.resolve(input.endpointDiscoveryEnabled),
    isClientEndpointDiscoveryEnabled: input.endpointDiscoveryEnabled !== undefined,
  });
