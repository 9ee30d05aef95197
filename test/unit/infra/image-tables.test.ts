import * as v from 'valibot';
import {
  LEDGER_TABLE,
  RECORDS_TABLE,
  type TableDefinition,
  toCreateTableInput,
} from '../../../shared/store/table-definitions';
import {
  propertiesOf,
  resourceById,
  SYNTH_TIMEOUT_MS,
  type SynthesizedStack,
  synthesizeVendorWebhooks,
} from './support/synthesized-stack';

const KeySchemaSchema = v.array(v.object({ AttributeName: v.string(), KeyType: v.string() }));

const GlobalTableSchema = v.object({
  BillingMode: v.string(),
  AttributeDefinitions: v.array(v.object({ AttributeName: v.string(), AttributeType: v.string() })),
  KeySchema: KeySchemaSchema,
  GlobalSecondaryIndexes: v.optional(
    v.array(
      v.object({
        IndexName: v.string(),
        KeySchema: KeySchemaSchema,
        Projection: v.object({ ProjectionType: v.string() }),
      }),
    ),
  ),
  TimeToLiveSpecification: v.optional(
    v.object({ AttributeName: v.string(), Enabled: v.boolean() }),
  ),
  Replicas: v.array(
    v.object({
      DeletionProtectionEnabled: v.optional(v.boolean()),
      PointInTimeRecoverySpecification: v.optional(
        v.object({ PointInTimeRecoveryEnabled: v.boolean() }),
      ),
    }),
  ),
});

let synthesized: SynthesizedStack;
const table = (logicalId: string) =>
  propertiesOf(resourceById(synthesized.parsed, logicalId), GlobalTableSchema);

/** What the local stack asks DynamoDB Local for, for one definition. */
const localShape = (definition: TableDefinition) => {
  const input = toCreateTableInput(definition, 'local-name');
  return {
    attributes: input.AttributeDefinitions,
    keySchema: input.KeySchema,
    indexes: input.GlobalSecondaryIndexes ?? [],
  };
};

beforeAll(() => {
  synthesized = synthesizeVendorWebhooks();
}, SYNTH_TIMEOUT_MS);

describe('tables and their shared definitions', () => {
  it('are built from the very objects the local stack uses', () => {
    // Act
    const { recordsDefinition, ledgerDefinition } = synthesized.stack.tables;

    // Assess
    expect(recordsDefinition).toBe(RECORDS_TABLE);
    expect(ledgerDefinition).toBe(LEDGER_TABLE);
  });

  it.each([
    ['RecordsTable', RECORDS_TABLE],
    ['LedgerTable', LEDGER_TABLE],
  ] as const)(
    '%s has the keys, indexes and attributes the local stack creates',
    (id, definition) => {
      // Prepare
      const local = localShape(definition);

      // Act
      const deployed = table(id);

      // Assess
      expect(deployed.AttributeDefinitions).toEqual(local.attributes);
      expect(deployed.KeySchema).toEqual(local.keySchema);
      expect(deployed.GlobalSecondaryIndexes ?? []).toEqual(local.indexes);
    },
  );

  it('indexes records by collection with every attribute projected', () => {
    // Act
    const indexes = table('RecordsTable').GlobalSecondaryIndexes;

    // Assess
    expect(indexes).toEqual([
      {
        IndexName: 'byCollection',
        KeySchema: [
          { AttributeName: 'collectionKey', KeyType: 'HASH' },
          { AttributeName: 'collectionSort', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ]);
  });

  it('expires ledger entries through TTL on the shared attribute, and records never', () => {
    // Act
    const ledgerTtl = table('LedgerTable').TimeToLiveSpecification;
    const recordsTtl = table('RecordsTable').TimeToLiveSpecification;

    // Assess
    expect(ledgerTtl).toEqual({ AttributeName: LEDGER_TABLE.timeToLiveAttribute, Enabled: true });
    expect(ledgerTtl?.AttributeName).toBe('expiresAt');
    expect(recordsTtl).toBeUndefined();
  });
});

describe('table durability', () => {
  it.each(['RecordsTable', 'LedgerTable'])('%s is on-demand and survives stack deletion', (id) => {
    // Act
    const resource = resourceById(synthesized.parsed, id);

    // Assess
    expect(table(id).BillingMode).toBe('PAY_PER_REQUEST');
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.UpdateReplacePolicy).toBe('Retain');
  });

  it('keeps point-in-time recovery and deletion protection on the records', () => {
    // Act
    const [replica] = table('RecordsTable').Replicas;

    // Assess
    expect(replica?.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(replica?.DeletionProtectionEnabled).toBe(true);
  });

  it('keeps point-in-time recovery on the ledger too', () => {
    // Act
    const [replica] = table('LedgerTable').Replicas;

    // Assess
    expect(replica?.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });
});
