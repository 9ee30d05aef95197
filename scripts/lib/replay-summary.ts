import type { DeliveryResult } from './delivery-result';

/** Why a delivery was not taken: the API's error code, the bare status, or no answer at all. */
const refusalOf = (result: DeliveryResult | 'no_answer'): string => {
  if (result === 'no_answer') return 'no answer';
  return result.error ?? `HTTP ${result.statusCode}`;
};

const plural = (count: number, one: string, many = `${one}s`) =>
  `${count} ${count === 1 ? one : many}`;

/**
 * Counts replay's deliveries for its closing line. A 2xx whose `eventId` was already answered in
 * this run is a duplicate (the worker counts it and applies nothing): both copies of a fixture,
 * or a body replayed twice, land there. Refusals are grouped by the API's error code.
 */
export class ReplaySummary {
  readonly #seen = new Set<string>();
  #accepted = 0;
  #duplicates = 0;
  #ignored = 0;
  #skipped = 0;
  readonly #rejected = new Map<string, number>();

  add(result: DeliveryResult | 'no_answer'): void {
    const ok = result !== 'no_answer' && result.statusCode >= 200 && result.statusCode < 300;
    if (!ok) {
      const reason = refusalOf(result);
      this.#rejected.set(reason, (this.#rejected.get(reason) ?? 0) + 1);
      return;
    }
    if (result.eventId !== undefined && this.#seen.has(result.eventId)) {
      this.#duplicates += 1;
    } else if (result.status === 'ignored') {
      this.#ignored += 1;
    } else {
      this.#accepted += 1;
    }
    if (result.eventId !== undefined) this.#seen.add(result.eventId);
  }

  skip(): void {
    this.#skipped += 1;
  }

  /** Whether every delivery was answered 2xx. */
  get allTaken(): boolean {
    return this.#rejected.size === 0;
  }

  /**
   * E.g. `31 deliveries to http://127.0.0.1:3000: 20 accepted, 9 duplicates, 1 ignored,
   * 1 rejected (1 invalid_payload); 17 files skipped (--verbose lists them)`.
   */
  line(target: string, options: { verbose: boolean }): string {
    const rejected = [...this.#rejected.values()].reduce((sum, count) => sum + count, 0);
    const sent = this.#accepted + this.#duplicates + this.#ignored + rejected;
    const reasons = [...this.#rejected.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([reason, count]) => `${count} ${reason}`)
      .join(', ');
    const skipped =
      this.#skipped === 0
        ? ''
        : `; ${plural(this.#skipped, 'file')} skipped${options.verbose ? '' : ' (--verbose lists them)'}`;
    return (
      `${plural(sent, 'delivery', 'deliveries')} to ${target}: ${this.#accepted} accepted, ` +
      `${plural(this.#duplicates, 'duplicate')}, ${this.#ignored} ignored, ` +
      `${rejected} rejected${rejected > 0 ? ` (${reasons})` : ''}${skipped}`
    );
  }
}
