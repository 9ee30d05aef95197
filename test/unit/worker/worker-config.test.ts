import { ConfigurationError } from '../../../shared/config/env';
import { readWorkerConfig } from '../../../shared/worker/worker-config';

const TABLES = { RECORDS_TABLE: 'vendor-webhooks-records', LEDGER_TABLE: 'vendor-webhooks-ledger' };

describe('readWorkerConfig', () => {
  it('applies the documented defaults', () => {
    // Act
    const config = readWorkerConfig(TABLES);

    // Assess
    expect(config).toEqual({
      recordsTable: 'vendor-webhooks-records',
      ledgerTable: 'vendor-webhooks-ledger',
      dedupeWindowSeconds: 7 * 24 * 60 * 60,
      archiveEvents: true,
      archiveRetentionSeconds: 30 * 24 * 60 * 60,
      applyConcurrency: 8,
    });
  });

  it('reads every setting from the environment', () => {
    // Act
    const config = readWorkerConfig({
      ...TABLES,
      DEDUPE_WINDOW_SECONDS: '86400',
      ARCHIVE_EVENTS: 'false',
      ARCHIVE_RETENTION_SECONDS: '3600',
      APPLY_CONCURRENCY: '2',
    });

    // Assess
    expect(config).toMatchObject({
      dedupeWindowSeconds: 86400,
      archiveEvents: false,
      archiveRetentionSeconds: 3600,
      applyConcurrency: 2,
    });
  });

  it.each([
    [{ LEDGER_TABLE: 'l' }, 'RECORDS_TABLE: is required but not set'],
    [{ RECORDS_TABLE: 'r' }, 'LEDGER_TABLE: is required but not set'],
    [{ ...TABLES, APPLY_CONCURRENCY: 'many' }, 'APPLY_CONCURRENCY: must be an integer, got "many"'],
    [{ ...TABLES, DEDUPE_WINDOW_SECONDS: '0' }, 'DEDUPE_WINDOW_SECONDS: must be between'],
    [{ ...TABLES, ARCHIVE_EVENTS: 'maybe' }, 'ARCHIVE_EVENTS: must be true or false'],
  ])('fails loudly for %p', (env, message) => {
    // Act
    const read = () => readWorkerConfig(env);

    // Assess
    expect(read).toThrow(ConfigurationError);
    expect(read).toThrow(message);
  });
});
