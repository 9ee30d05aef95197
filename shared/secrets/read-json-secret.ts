import type * as v from 'valibot';
import type { SecretStringSource } from './secret-string-source';
import { validate, type ValidationIssue } from '../validation/validation-issue';

/** An error class of the `(message, secretId, { cause })` shape the secret readers throw. */
export type SecretErrorClass = new (
  message: string,
  secretId: string,
  options?: { cause?: unknown },
) => Error;

/**
 * One Secrets Manager secret holding a JSON document, fetched and checked against `schema`. Every
 * failure becomes an `ErrorClass` whose message never quotes the secret's text: a JSON parse
 * error does quote it, so only its name is kept, never the error itself.
 */
export const readJsonSecret = async <TSchema extends v.GenericSchema>(request: {
  /** Secrets Manager, through whichever client the function bundles. */
  readonly source: SecretStringSource;
  readonly secretId: string;
  readonly schema: TSchema;
  readonly ErrorClass: SecretErrorClass;
  /** What a document that fails the schema lacks, from its issue paths (never values). */
  readonly invalid: (issues: readonly ValidationIssue[]) => string;
}): Promise<v.InferOutput<TSchema>> => {
  const { source, secretId, ErrorClass } = request;
  let secretString: string | undefined;
  try {
    secretString = await source.getSecretString(secretId);
  } catch (error) {
    throw new ErrorClass('GetSecretValue failed', secretId, { cause: error });
  }
  if (secretString === undefined) throw new ErrorClass('the secret has no SecretString', secretId);
  let document: unknown;
  try {
    document = JSON.parse(secretString);
  } catch (error) {
    throw new ErrorClass(
      `the secret is not JSON (${error instanceof Error ? error.name : 'parse error'})`,
      secretId,
    );
  }
  const parsed = validate(request.schema, document);
  if (!parsed.ok) throw new ErrorClass(request.invalid(parsed.issues), secretId);
  return parsed.value;
};
