/**
 * Secret variables by name, as raw comma-separated rotation lists; `undefined` when unset. The
 * authentication blocks read the names their scheme configures, whatever the vendor.
 */
export type SecretValues = Readonly<Record<string, string | undefined>>;
