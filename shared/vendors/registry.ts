import { cloudinary } from './cloudinary/definition';
import { imageIntelligence } from './image-intelligence/definition';
import { sharinpix } from './sharinpix/definition';
import { spyne } from './spyne/definition';
import type { Vendor } from './vendor';
import type { VendorDefinition, VendorEvent } from './vendor-definition';

/**
 * Every vendor definition by its public name: the worker picks one per queued envelope, and tools
 * that handle any vendor (quarantine redrive, fixtures) look them up here. Each ingest function
 * imports only its own vendor's definition instead, to keep its bundle small.
 */
export const VENDOR_DEFINITIONS: Readonly<Partial<Record<Vendor, VendorDefinition<VendorEvent>>>> =
  {
    spyne,
    sharinpix,
    'image-intelligence': imageIntelligence,
    cloudinary,
  };
