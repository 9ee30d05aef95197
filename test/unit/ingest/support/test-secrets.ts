import type {
  WebhookSecrets,
  WebhookSecretsProvider,
} from '../../../../shared/secrets/webhook-secrets';

/** Test credentials; the Spyne signing secret has a rotation pair, as during a rotation. */
export const TEST_SECRETS = {
  SPYNE_SIGNING_SECRET: 'spyne-signing-2026-a1f4c9,spyne-signing-2027-7be02d',
  SPYNE_URL_TOKEN: 'spyne-url-token-5c2e81',
  SHARINPIX_SECRET: 'sharinpix-shared-9d3a60',
  IMAGE_INTELLIGENCE_TOKEN: 'ii-token-4e7b1f',
  CLOUDINARY_API_SECRET: 'cld-secret-2026-8d1e07,cld-secret-2027-3f95ab',
} as const satisfies WebhookSecrets;

/** The first and second values of the Spyne rotation list. */
export const SPYNE_SECRET_CURRENT = 'spyne-signing-2026-a1f4c9';
export const SPYNE_SECRET_NEXT = 'spyne-signing-2027-7be02d';

/** A provider serving fixed secrets, counting how often it is asked. */
export const fixedSecrets = (
  secrets: WebhookSecrets = TEST_SECRETS,
): WebhookSecretsProvider & { calls: number } => {
  const provider = {
    calls: 0,
    current: () => {
      provider.calls += 1;
      return Promise.resolve(secrets);
    },
  };
  return provider;
};
