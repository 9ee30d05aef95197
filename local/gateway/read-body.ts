import type { IncomingMessage } from 'node:http';

/** API Gateway's payload limit for HTTP APIs: larger requests never reach the function. */
export const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** A read body, or why there is none (too large: answer 413; aborted: answer nothing). */
export type BodyRead =
  | { readonly kind: 'complete'; readonly body: Buffer }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'aborted' };

/**
 * Reads a request body up to `limitBytes`. A declared `content-length` over the limit is refused
 * before reading; a streamed body stops being buffered as soon as it passes the limit.
 */
export const readBody = (request: IncomingMessage, limitBytes: number): Promise<BodyRead> =>
  new Promise((resolve) => {
    const declared = Number(request.headers['content-length'] ?? '0');
    if (Number.isFinite(declared) && declared > limitBytes) {
      request.resume();
      resolve({ kind: 'too-large' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyRead) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    request.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limitBytes) {
        chunks.length = 0;
        settle({ kind: 'too-large' });
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => settle({ kind: 'complete', body: Buffer.concat(chunks) }));
    request.on('aborted', () => settle({ kind: 'aborted' }));
    request.on('error', () => settle({ kind: 'aborted' }));
  });
