/**
 * The exact bytes the vendor sent. API Gateway base64-encodes bodies it does not consider text
 * (`isBase64Encoded`); size limits and signatures apply to the decoded bytes, never to the
 * base64 text, which is a third larger.
 */
export const rawBodyOf = (body: string | undefined, isBase64Encoded: boolean): Buffer => {
  if (body === undefined) return Buffer.alloc(0);
  return isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
};

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text, or `undefined` when it is not valid UTF-8 (which no vendor sends). */
export const utf8TextOf = (bytes: Buffer): string | undefined => {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
};
