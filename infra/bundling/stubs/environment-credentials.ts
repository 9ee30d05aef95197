import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { defaultProvider as nodeDefaultProvider } from '@aws-sdk/credential-provider-node';

/**
 * Bundle-time replacement of `@aws-sdk/credential-provider-node` (see `BUNDLE_ALIASES`): the
 * default chain reduced to its first link, the environment variables. In Lambda that link is the
 * one that answers (the runtime puts the execution role's credentials there), so the rest of the
 * chain (SSO, INI files, `process`, web identity, metadata endpoints and the STS/SSO clients they
 * use) is dead weight in every cold start. Missing variables fail the call with the SDK's own
 * `CredentialsProviderError`, as the full chain does once every link has failed.
 */
export const defaultProvider: typeof nodeDefaultProvider = (init = {}) => fromEnv(init);
