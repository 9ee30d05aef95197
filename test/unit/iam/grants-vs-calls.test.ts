import { grantsTable, grantsVsCalls, parseCallsLog } from '../../../local/iam/grants-vs-calls';

const TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/records';
const grant = (fn: string, action: string, resources: string[], unmapped: string[] = []) =>
  JSON.stringify({ kind: 'grant', function: fn, action, resources, unmapped });
const call = (fn: string, action: string, resource: string, allowed: boolean) =>
  JSON.stringify({ kind: 'call', function: fn, action, resource, allowed });

describe('grants against calls', () => {
  it('passes grants that calls used and grants whose reason is listed', () => {
    // Prepare
    const log = [
      grant('worker', 'dynamodb:GetItem', [TABLE]),
      grant('worker', 'logs:PutLogEvents', [], ['WorkerFunctionLogGroup']),
      call('worker', 'dynamodb:GetItem', TABLE, true),
    ].join('\n');

    // Act
    const rows = grantsVsCalls(parseCallsLog(log), { '* logs:PutLogEvents': 'stdout locally' });

    // Assess
    expect(rows.map((row) => [row.action, row.status, row.ok])).toEqual([
      ['dynamodb:GetItem', 'exercised', true],
      ['logs:PutLogEvents', 'not exercisable locally: stdout locally', true],
    ]);
  });

  it('fails a grant no call used and no reason explains', () => {
    // Act
    const rows = grantsVsCalls(parseCallsLog(grant('read', 'dynamodb:Query', [TABLE])), {});

    // Assess
    expect(rows).toEqual([
      expect.objectContaining({ action: 'dynamodb:Query', status: 'UNUSED', ok: false }),
    ]);
  });

  it("shows one row for a table's stream, whatever label each run's stream had", () => {
    // Prepare: two runs, each with the stream DynamoDB Local created for it.
    const first = `${TABLE}/stream/2026-12-07T00:45:09.030`;
    const second = `${TABLE}/stream/2026-12-07T01:02:18.098`;
    const log = [
      grant('publisher', 'dynamodb:GetRecords', [first]),
      call('publisher', 'dynamodb:GetRecords', first, true),
      grant('publisher', 'dynamodb:GetRecords', [second]),
      call('publisher', 'dynamodb:GetRecords', second, true),
      call('publisher', 'dynamodb:GetRecords', second, true),
    ].join('\n');

    // Act
    const rows = grantsVsCalls(parseCallsLog(log), {});

    // Assess
    expect(rows).toEqual([
      expect.objectContaining({
        resource: `${TABLE}/stream/*`,
        calls: 3,
        status: 'exercised',
        ok: true,
      }),
    ]);
  });

  it('fails a denied call unless a drill revoked that action', () => {
    // Prepare
    const log = [
      call('worker', 'dynamodb:GetItem', TABLE, false),
      call('read', 'dynamodb:Scan', TABLE, false),
      JSON.stringify({ kind: 'revoked', function: 'worker', action: 'dynamodb:GetItem' }),
    ].join('\n');

    // Act
    const rows = grantsVsCalls(parseCallsLog(log), {});

    // Assess
    expect(rows.map((row) => [row.function, row.status, row.ok])).toEqual([
      ['read', 'UNGRANTED CALL', false],
      ['worker', 'denied by a drill (--iam-revoke)', true],
    ]);
    expect(grantsTable(rows).split('\n')[0]).toMatch(
      /^function\s+action\s+resource\s+calls\s+status$/,
    );
  });

  it('names the line of a malformed log', () => {
    // Act
    const parse = () => parseCallsLog(`${call('worker', 'a:B', TABLE, true)}\n{"kind":"call"}`);

    // Assess
    expect(parse).toThrow(/line 2/);
  });
});
