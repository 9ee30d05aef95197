import { authenticationOf, type RouteAuthentication } from '../auth/scheme-authentication';
import { ConfigurationError } from '../config/env';
import { type AnyVendorManifest, manifestOf } from '../vendors/manifests';
import type { Vendor } from '../vendors/vendor';
import type { VendorDefinition, VendorEvent } from '../vendors/vendor-definition';
import type { BodyFormat } from './content-type';
import type { IngestRequest } from './ingest-request';

export type { AuthClock, RouteAuthentication } from '../auth/scheme-authentication';

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

/** A webhook route as the vendor's manifest declares it (contract, "Routes"). */
const ingestRouteConfigOf = (manifest: AnyVendorManifest): IngestRouteConfig => ({
  vendor: manifest.vendor,
  bodyFormats: manifest.bodyFormats,
  authentication: authenticationOf(manifest.auth),
  ...(manifest.eventTypeHeader === undefined ? {} : { eventTypeHeader: manifest.eventTypeHeader }),
  redactedBodyKeys: manifest.redactedBodyKeys,
});

/**
 * The one way to build a vendor's route: its manifest from the registry, its definition from
 * `definitions`. Each ingest function passes only its own vendor's definition, so its bundle holds
 * one vendor's schemas; tools that handle any vendor pass the whole registry. A vendor without a
 * definition fails loudly.
 */
export const ingestRoute = (
  vendor: Vendor,
  definitions: Readonly<Partial<Record<Vendor, VendorDefinition<VendorEvent>>>>,
): IngestRoute => {
  const definition = definitions[vendor];
  if (definition === undefined) {
    throw new ConfigurationError('has no vendor definition in the registry', vendor);
  }
  return { ...ingestRouteConfigOf(manifestOf(vendor)), definition };
};

/** The event name a delivery carries outside its body, when the route reads one. */
export const eventTypeHeaderOf = (
  route: IngestRoute,
  request: IngestRequest,
): string | undefined =>
  route.eventTypeHeader === undefined ? undefined : request.header(route.eventTypeHeader);
