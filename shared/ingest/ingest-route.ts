import type { AuthResult, CredentialSource } from '../auth/auth-result';
import { authenticateHeaderSecret } from '../auth/header-secret-authenticator';
import { authenticateQueryToken } from '../auth/query-token-authenticator';
import {
  authenticateRawBodyDigest,
  type RawBodySource,
} from '../auth/raw-body-digest-authenticator';
import { cloudinarySignatureScheme } from '../vendors/cloudinary/signature';
import { authenticateSpyneDelivery } from '../auth/spyne-authenticator';
import type { WebhookSecrets } from '../secrets/webhook-secrets';
import type { Vendor } from '../vendors/vendor';
import type { VendorDefinition, VendorEvent } from '../vendors/vendor-definition';
import type { BodyFormat } from './content-type';
import type { IngestRequest } from './ingest-request';

/**
 * When a route authenticates. Most routes check a credential outside the body and do so before
 * parsing, so an unauthenticated caller learns nothing about our schemas. Spyne's credential is
 * inside the body, so it can only authenticate after parsing (and still before validating).
 */
export type RouteAuthentication =
  | {
      readonly stage: 'before-parse';
      readonly authenticate: (
        request: RawBodySource,
        secrets: WebhookSecrets,
        clock: AuthClock,
      ) => AuthResult;
    }
  | {
      readonly stage: 'after-parse';
      readonly authenticate: (
        request: CredentialSource,
        payload: unknown,
        secrets: WebhookSecrets,
        now: Date,
      ) => AuthResult;
    };

/** The time and the freshness window a timestamped signature is checked against. */
export interface AuthClock {
  readonly now: Date;
  /** `SIGNATURE_MAX_AGE_SECONDS`: the oldest signed timestamp accepted. */
  readonly signatureMaxAgeSeconds: number;
}

/** What differs between the webhook routes; the pipeline is otherwise the same for all. */
export interface IngestRouteConfig {
  readonly vendor: Vendor;
  readonly bodyFormats: readonly BodyFormat[];
  readonly authentication: RouteAuthentication;
  /** Header carrying the event name, for vendors that send it outside the body. */
  readonly eventTypeHeader?: string;
  /**
   * Top-level body keys never stored in quarantine: credentials and personal data. A body that
   * cannot be parsed to remove them is not stored at all (raw bodies are kept only for vendors
   * with nothing to remove).
   */
  readonly redactedBodyKeys: readonly string[];
}

/** A route with its vendor definition. */
export interface IngestRoute extends IngestRouteConfig {
  readonly definition: VendorDefinition<VendorEvent>;
}

/** The webhook routes (contract, "Routes"). */
export const INGEST_ROUTE_CONFIGS: Readonly<Record<Vendor, IngestRouteConfig>> = {
  spyne: {
    vendor: 'spyne',
    bodyFormats: ['json'],
    authentication: {
      stage: 'after-parse',
      authenticate: authenticateSpyneDelivery,
    },
    redactedBodyKeys: ['signature'],
  },
  sharinpix: {
    vendor: 'sharinpix',
    bodyFormats: ['json', 'form'],
    authentication: {
      stage: 'before-parse',
      authenticate: (request, secrets) =>
        authenticateHeaderSecret(request, 'x-sharinpix-secret', secrets.SHARINPIX_SECRET),
    },
    eventTypeHeader: 'x-sharinpix-event',
    redactedBodyKeys: ['user', 'app_url'],
  },
  'image-intelligence': {
    vendor: 'image-intelligence',
    bodyFormats: ['json'],
    authentication: {
      stage: 'before-parse',
      authenticate: (request, secrets) =>
        authenticateQueryToken(request, secrets.IMAGE_INTELLIGENCE_TOKEN),
    },
    redactedBodyKeys: [],
  },
  cloudinary: {
    vendor: 'cloudinary',
    bodyFormats: ['json'],
    authentication: {
      stage: 'before-parse',
      authenticate: (request, secrets, { now, signatureMaxAgeSeconds }) =>
        authenticateRawBodyDigest(
          cloudinarySignatureScheme(signatureMaxAgeSeconds),
          request,
          secrets.CLOUDINARY_API_SECRET,
          now,
        ),
    },
    redactedBodyKeys: ['api_key', 'signature_key', 'notification_context'],
  },
};

/**
 * The route for a vendor with the given definition. Each ingest function passes its own vendor's
 * definition, so its bundle holds one vendor's schemas, not all three.
 */
export const ingestRoute = (
  vendor: Vendor,
  definition: VendorDefinition<VendorEvent>,
): IngestRoute => ({ ...INGEST_ROUTE_CONFIGS[vendor], definition });

/** The event name a delivery carries outside its body (SharinPix's header), when the route reads one. */
export const eventTypeHeaderOf = (
  route: IngestRoute,
  request: IngestRequest,
): string | undefined =>
  route.eventTypeHeader === undefined ? undefined : request.header(route.eventTypeHeader);
