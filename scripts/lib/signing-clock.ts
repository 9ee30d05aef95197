import { manifestOf } from '../../shared/vendors/manifests';
import type { Vendor } from '../../shared/vendors/vendor';

/**
 * The signing time of each delivery a local tool sends, in epoch milliseconds.
 *
 * A body JWT signs its bound claims and `iat` in whole seconds, nothing else of the body, so two
 * different bodies with the same claims (one SKU) signed within the same second carry the very
 * same signature, and the worker refuses the second as a replay of the first
 * (`signature_reused`). The vendor signs each delivery as it sends it, seconds apart; a tool that
 * sends a burst gives each claim set's deliveries distinct seconds, counting back from now (a
 * signature stays valid for months, so an `iat` a few seconds old changes nothing else). Other
 * schemes sign with the current time.
 */
export class SigningClock {
  private readonly lastSecondByClaims = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The time to sign this body with: now, or a second before the last one for the same claims. */
  timeFor(vendor: Vendor, body: Record<string, unknown>): number {
    const nowMs = this.now();
    const { auth } = manifestOf(vendor);
    if (auth.kind !== 'body-jwt') return nowMs;
    const claims = auth.boundClaims.map((claim) => String(body[claim])).join('\u0000');
    const last = this.lastSecondByClaims.get(claims);
    let second = Math.floor(nowMs / 1000);
    if (last !== undefined && second >= last) second = last - 1;
    this.lastSecondByClaims.set(claims, second);
    return second === Math.floor(nowMs / 1000) ? nowMs : second * 1000;
  }
}
