import { basename, sep } from 'node:path';
import * as v from 'valibot';
import type { WebhookSecrets } from '../../shared/secrets/webhook-secrets';
import { renewCredentials } from '../../shared/auth/scheme-signer';
import { manifestOf } from '../../shared/vendors/manifests';
import { isVendor, VENDORS, type Vendor } from '../../shared/vendors/vendor';
import { deliveriesOf } from '../fixtures/build-fixtures';
import type { SigningClock } from './signing-clock';

/** One POST to a webhook route: what `npm run replay` sends. */
export interface WebhookDelivery {
  readonly vendor: Vendor;
  readonly path: string;
  /** The raw query string, without `?`. */
  readonly query: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** A file replay can send, or why it skips it. */
export type ReplaySource =
  | { readonly kind: 'delivery'; readonly delivery: WebhookDelivery }
  | { readonly kind: 'skip'; readonly reason: string };

const GatewayEventSchema = v.object({
  version: v.literal('2.0'),
  rawPath: v.string(),
  rawQueryString: v.optional(v.string(), ''),
  headers: v.optional(v.record(v.string(), v.string()), {}),
  body: v.optional(v.string()),
  isBase64Encoded: v.optional(v.boolean(), false),
  requestContext: v.object({ http: v.object({ method: v.string() }) }),
});

const SqsEventSchema = v.object({ Records: v.array(v.unknown()) });
const BodyObjectSchema = v.record(v.string(), v.unknown());
/** `sam local invoke --env-vars`: function logical ids, each with its variables. */
const SamEnvVarsSchema = v.record(v.string(), v.record(v.string(), v.string()));

/** Headers a client sets itself; copying them from a fixture would lie about the new request. */
const CLIENT_HEADERS = new Set(['host', 'content-length', 'connection']);

const WEBHOOK_PATH = /^\/webhooks\/([a-z-]+)$/;

/** The vendor of a plain body: the nearest folder on its path named after one. */
const vendorOfPath = (path: string): Vendor | undefined =>
  path
    .split(sep)
    .slice(0, -1)
    .reverse()
    .find((segment): segment is Vendor => isVendor(segment));

const fromGatewayEvent = (event: v.InferOutput<typeof GatewayEventSchema>): ReplaySource => {
  const vendor = WEBHOOK_PATH.exec(event.rawPath)?.[1];
  const method = event.requestContext.http.method.toUpperCase();
  if (method !== 'POST' || vendor === undefined || !isVendor(vendor)) {
    return { kind: 'skip', reason: `not a webhook (${method} ${event.rawPath})` };
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers)) {
    if (!CLIENT_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
  }
  const body =
    event.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  return {
    kind: 'delivery',
    delivery: { vendor, path: event.rawPath, query: event.rawQueryString, headers, body },
  };
};

/**
 * Reads a replayable file: a plain vendor body (`events/bodies/<vendor>/…`, delivered the way
 * the vendor delivers it, see `deliveriesOf`; a vendor with an event-type header takes its event
 * name from the file name)
 * or a generated API Gateway event (`events/<vendor>/…`: its body, headers and query). SQS and
 * read-API events, and `sam local` environment files, are skipped with the reason.
 */
export const replaySourceOf = (
  path: string,
  json: unknown,
  options: { form: boolean; clock: SigningClock },
): ReplaySource => {
  const event = v.safeParse(GatewayEventSchema, json);
  if (event.success) return fromGatewayEvent(event.output);
  if (v.safeParse(SqsEventSchema, json).success) {
    return {
      kind: 'skip',
      reason: 'an SQS event for the worker (try npm run invoke -- worker <file>)',
    };
  }
  if (v.safeParse(SamEnvVarsSchema, json).success) {
    return { kind: 'skip', reason: 'environment variables for sam local invoke --env-vars' };
  }
  const vendor = vendorOfPath(path);
  if (vendor === undefined) {
    return {
      kind: 'skip',
      reason: `cannot tell the vendor: keep plain bodies in a folder named ${VENDORS.join(', ')}`,
    };
  }
  const body = v.safeParse(BodyObjectSchema, json);
  if (!body.success) return { kind: 'skip', reason: 'a plain body must be a JSON object' };
  const name = basename(path, '.json');
  const variants = deliveriesOf({
    vendor,
    name,
    body: body.output,
    timeEpoch: options.clock.timeFor(vendor, body.output),
  });
  const chosen =
    variants.find((variant) => variant.variant === (options.form ? 'form' : 'json')) ?? variants[0];
  if (!chosen) return { kind: 'skip', reason: 'no delivery for this body' };
  return {
    kind: 'delivery',
    delivery: {
      vendor,
      path: chosen.path,
      query: chosen.rawQueryString,
      headers: { ...chosen.headers },
      body: Buffer.from(chosen.body, 'utf8'),
    },
  };
};

/**
 * Puts the configured credentials on a delivery, whatever it carried before (fixtures carry the
 * dev defaults), as the vendor's authentication scheme says (`renewCredentials`): a body JWT is
 * re-signed and a URL token replaced where the delivery has one, a header secret set, a raw-body
 * digest signed afresh over the exact bytes sent. A credential that is not configured is left as
 * it was.
 */
export const withCredentials = (
  delivery: WebhookDelivery,
  secrets: WebhookSecrets,
  clock: SigningClock,
): WebhookDelivery => {
  const renewed = renewCredentials(
    manifestOf(delivery.vendor).auth,
    { query: delivery.query, headers: delivery.headers, body: delivery.body },
    secrets,
    { at: (body) => new Date(clock.timeFor(delivery.vendor, { ...body })) },
  );
  return {
    ...delivery,
    query: renewed.query,
    headers: renewed.headers,
    body: Buffer.isBuffer(renewed.body) ? renewed.body : Buffer.from(renewed.body, 'utf8'),
  };
};
