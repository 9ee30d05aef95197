import { type SecretName, VENDOR_MANIFESTS } from '../vendors/manifests';

export type { SecretName } from '../vendors/manifests';

/**
 * The webhook secrets, by environment variable name, and the dev defaults used where one is
 * unset outside AWS (the local stack, `npm run invoke`, tests), as each vendor's manifest
 * declares them. The local stack prints them at start. In AWS the values come from Secrets
 * Manager and these defaults are never used.
 *
 * A variable that is set but empty is not "unset": it disables that credential (for example, an
 * empty URL token refuses the payloads it would authenticate).
 */
export const DEV_SECRETS = Object.fromEntries(
  VENDOR_MANIFESTS.flatMap((manifest) => Object.entries(manifest.secrets.devDefaults)),
) as Readonly<Record<SecretName, string>>;

export const SECRET_NAMES = Object.keys(DEV_SECRETS) as SecretName[];
