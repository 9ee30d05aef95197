/**
 * The webhook secrets, by environment variable name, and the dev defaults used where one is
 * unset outside AWS (the local stack, `npm run invoke`, tests). The local stack prints them at
 * start. In AWS the values come from Secrets Manager and these defaults are never used.
 *
 * A variable that is set but empty is not "unset": it disables that credential (for example,
 * `SPYNE_URL_TOKEN=` refuses unsigned Spyne payloads).
 */
export const DEV_SECRETS = {
  SPYNE_SIGNING_SECRET: 'dev-spyne-signing-secret',
  SPYNE_URL_TOKEN: 'dev-spyne-url-token',
  SHARINPIX_SECRET: 'dev-sharinpix-secret',
  IMAGE_INTELLIGENCE_TOKEN: 'dev-image-intelligence-token',
  CLOUDINARY_API_SECRET: 'dev-cloudinary-api-secret',
} as const;

export type SecretName = keyof typeof DEV_SECRETS;

export const SECRET_NAMES = Object.keys(DEV_SECRETS) as SecretName[];
