import type { IngestReport, IngestTelemetry } from '../../../../shared/ingest/ingest-telemetry';

/** Telemetry that keeps what it is told, so tests can assert on outcomes and flushes. */
export class RecordingTelemetry implements IngestTelemetry {
  readonly reports: IngestReport[] = [];
  readonly failures: unknown[] = [];
  flushes = 0;

  readonly begin = (): void => {};
  readonly delivered = (report: IngestReport): void => {
    this.reports.push(report);
  };
  readonly failed = (_vendor: string, _requestId: string, error: unknown): void => {
    this.failures.push(error);
  };
  readonly flush = (): void => {
    this.flushes += 1;
  };
}
