import type { Vendor } from '../../shared/vendors/vendor';

/**
 * The signing time of each delivery a local tool sends, in epoch milliseconds.
 *
 * Spyne's JWT signs the project, the SKU and `iat` in whole seconds, nothing of the image list, so
 * two different bodies for one SKU signed within the same second carry the very same signature,
 * and the worker refuses the second as a replay of the first (`signature_reused`). Spyne signs
 * each delivery as it sends it, seconds apart for one SKU; a tool that sends a burst gives each
 * SKU's deliveries distinct seconds, counting back from now (a signature stays valid for months,
 * so an `iat` a few seconds old changes nothing else). Other vendors sign with the current time.
 */
export class SigningClock {
  private readonly lastSecondBySku = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The time to sign this body with: now, or a second before the last one for the same SKU. */
  timeFor(vendor: Vendor, body: Record<string, unknown>): number {
    const nowMs = this.now();
    if (vendor !== 'spyne') return nowMs;
    const sku = `${String(body.project_id)}\u0000${String(body.sku_id)}`;
    const last = this.lastSecondBySku.get(sku);
    let second = Math.floor(nowMs / 1000);
    if (last !== undefined && second >= last) second = last - 1;
    this.lastSecondBySku.set(sku, second);
    return second === Math.floor(nowMs / 1000) ? nowMs : second * 1000;
  }
}
