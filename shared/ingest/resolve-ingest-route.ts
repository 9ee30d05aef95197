import { ConfigurationError } from '../config/env';
import { manifestOf } from '../vendors/manifests';
import { VENDOR_DEFINITIONS } from '../vendors/registry';
import type { Vendor } from '../vendors/vendor';
import type { VendorDefinition, VendorEvent } from '../vendors/vendor-definition';
import { type IngestRoute, ingestRoute } from './ingest-route';

/**
 * The route for a vendor, with its definition looked up in the registry: for tools that handle
 * every vendor (quarantine redrive, tests). A vendor without a definition fails loudly.
 */
export const resolveIngestRoute = (
  vendor: Vendor,
  definitions: Readonly<
    Partial<Record<Vendor, VendorDefinition<VendorEvent>>>
  > = VENDOR_DEFINITIONS,
): IngestRoute => {
  const definition = definitions[vendor];
  if (definition === undefined) {
    throw new ConfigurationError('has no vendor definition in the registry', vendor);
  }
  return ingestRoute(manifestOf(vendor), definition);
};
