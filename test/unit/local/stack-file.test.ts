import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStackFile, type StackFile, writeStackFile } from '../../../local/stack/stack-file';

const queue = (name: string) => ({
  name,
  url: `http://127.0.0.1:9324/123456789012/${name}`,
  arn: `arn:aws:sqs:us-east-1:123456789012:${name}`,
});

const stack = (dataDir: string): StackFile => ({
  pid: process.pid,
  startedAt: '2026-11-23T12:00:00.000Z',
  gatewayUrl: 'http://127.0.0.1:3000',
  dynamoDbEndpoint: 'http://127.0.0.1:8000',
  sqsEndpoint: 'http://127.0.0.1:9324',
  region: 'us-east-1',
  queues: { main: queue('events'), dlq: queue('events-dlq'), quarantine: queue('quarantine') },
  tables: { records: 'records', ledger: 'ledger' },
  dataDir,
  inMemory: true,
  visibilityTimeoutSeconds: 30,
});

describe('stack.json', () => {
  it('is written even when the data directory does not exist yet (fresh clone, --in-memory)', () => {
    // Prepare
    const root = mkdtempSync(join(tmpdir(), 'stack-file-'));
    const dataDir = join(root, 'not', 'there', 'yet');

    // Act
    writeStackFile(dataDir, stack(dataDir));

    // Assess
    expect(readStackFile(dataDir)).toEqual(stack(dataDir));
    rmSync(root, { recursive: true, force: true });
  });
});
