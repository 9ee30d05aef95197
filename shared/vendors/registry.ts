import { imageIntelligence } from './image-intelligence/definition';
import { sharinpix } from './sharinpix/definition';
import { spyne } from './spyne/definition';
import type { Vendor } from './vendor';
import type { VendorDefinition, VendorEvent } from './vendor-definition';

/**
 * Every vendor definition by its public name. Ingest picks one per route; the worker picks one
 * per queued envelope.
 */
export const VENDOR_DEFINITIONS: Readonly<Partial<Record<Vendor, VendorDefinition<VendorEvent>>>> =
  {
    spyne: spyne as VendorDefinition<VendorEvent>,
    sharinpix: sharinpix as VendorDefinition<VendorEvent>,
    'image-intelligence': imageIntelligence as VendorDefinition<VendorEvent>,
  };
