/** How far ahead of our receipt time a vendor's clock may run before we stop trusting it. */
const MAX_VENDOR_CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * The event time: the vendor's time where the payload dates the change, else the receipt time.
 * A vendor time from the future (beyond clock skew) would let its event win every later one, so
 * it falls back to the receipt time, as does an unreadable one.
 */
export const eventTimeFrom = (vendorTime: string | undefined, receivedAt: Date): Date => {
  if (vendorTime === undefined) return receivedAt;
  const millis = Date.parse(vendorTime);
  if (Number.isNaN(millis) || millis > receivedAt.getTime() + MAX_VENDOR_CLOCK_SKEW_MS) {
    return receivedAt;
  }
  return new Date(millis);
};
