import type { ServiceLog, ServiceMetrics } from '../../../../shared/observability/service-log';

/** One line the handler logged. */
export interface LoggedLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** The log and metrics ports, keeping what the handler reports so tests can assert on it. */
export class RecordingObservability {
  readonly lines: LoggedLine[] = [];
  readonly counts = new Map<string, number>();
  flushes = 0;
  private pending = 0;

  readonly log: ServiceLog = {
    info: (message, attributes) => this.lines.push({ level: 'info', message, attributes }),
    warn: (message, attributes) => this.lines.push({ level: 'warn', message, attributes }),
    error: (message, attributes) => this.lines.push({ level: 'error', message, attributes }),
  };

  readonly metrics: ServiceMetrics = {
    addMetric: (name, _unit, value) => {
      this.counts.set(name, (this.counts.get(name) ?? 0) + value);
      this.pending += 1;
    },
    addDimension: () => {},
    hasStoredMetrics: () => this.pending > 0,
    publishStoredMetrics: () => {
      this.flushes += 1;
      this.pending = 0;
    },
  };

  /** The line of each delivery the pipeline answered (every outcome but an unexpected error). */
  deliveries(): LoggedLine[] {
    return this.lines.filter((line) => line.attributes.outcome !== 'internal_error');
  }

  /** The lines of unexpected errors (the 500 path). */
  failures(): LoggedLine[] {
    return this.lines.filter((line) => line.attributes.outcome === 'internal_error');
  }
}
