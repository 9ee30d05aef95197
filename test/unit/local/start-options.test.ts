import { resolve } from 'node:path';
import { parseStartOptions } from '../../../local/cli/start-options';
import { UsageError } from '../../../local/cli/usage-error';

const CWD = '/srv/project';

describe('npm start options', () => {
  it('defaults to ports 3000/8000/9324, data in .data, a 30 s visibility timeout and 2 pollers', () => {
    // Prepare
    const argv: string[] = [];

    // Act
    const options = parseStartOptions(argv, {}, CWD);

    // Assess
    expect(options).toEqual({
      port: 3000,
      dynamoDbPort: 8000,
      sqsPort: 9324,
      inMemory: false,
      dataDir: resolve(CWD, '.data'),
      visibilityTimeoutSeconds: 30,
      pollers: 2,
      iam: { enforce: true, revoke: [], callsLogFile: undefined },
      logs: { format: 'pretty', level: 'INFO' },
      forwardChangesUrl: undefined,
      help: false,
    });
  });

  it('takes a URL to forward change events to', () => {
    // Act
    const options = parseStartOptions(
      ['--forward-changes', 'http://127.0.0.1:4000/changes'],
      {},
      CWD,
    );

    // Assess
    expect(options.forwardChangesUrl).toBe('http://127.0.0.1:4000/changes');
  });

  it('enforces IAM unless --no-iam, and takes revocations and a calls log', () => {
    // Prepare
    const argv = [
      '--iam-revoke',
      'worker=dynamodb:GetItem',
      '--iam-revoke=ingest-spyne=sqs:SendMessage',
      '--iam-calls-log',
      'calls.jsonl',
    ];

    // Act
    const options = parseStartOptions(argv, {}, CWD);
    const off = parseStartOptions(['--no-iam'], { IAM_CALLS_LOG: 'env-calls.jsonl' }, CWD);

    // Assess
    expect(options.iam).toEqual({
      enforce: true,
      revoke: [
        { functionName: 'worker', action: 'dynamodb:GetItem' },
        { functionName: 'ingest-spyne', action: 'sqs:SendMessage' },
      ],
      callsLogFile: resolve(CWD, 'calls.jsonl'),
    });
    expect(off.iam).toEqual({
      enforce: false,
      revoke: [],
      callsLogFile: resolve(CWD, 'env-calls.jsonl'),
    });
  });

  it('takes the log format and level, the level also from POWERTOOLS_LOG_LEVEL', () => {
    // Prepare
    const env = { POWERTOOLS_LOG_LEVEL: 'warn' };

    // Act
    const fromEnv = parseStartOptions([], env, CWD);
    const fromFlags = parseStartOptions(['--log-format', 'json', '--log-level', 'DEBUG'], env, CWD);

    // Assess
    expect(fromEnv.logs).toEqual({ format: 'pretty', level: 'WARN' });
    expect(fromFlags.logs).toEqual({ format: 'json', level: 'DEBUG' });
  });

  it('takes every flag, and flags win over the PORT variables', () => {
    // Prepare
    const argv = [
      '--port=4000',
      '--dynamodb-port',
      '4001',
      '--sqs-port',
      '4002',
      '--in-memory',
      '--data-dir',
      'tmp/stack',
      '--visibility-timeout',
      '12',
      '--pollers',
      '4',
    ];
    const env = { PORT: '5000', DYNAMODB_PORT: '5001', SQS_PORT: '5002' };

    // Act
    const options = parseStartOptions(argv, env, CWD);

    // Assess
    expect(options).toMatchObject({
      port: 4000,
      dynamoDbPort: 4001,
      sqsPort: 4002,
      inMemory: true,
      dataDir: resolve(CWD, 'tmp/stack'),
      visibilityTimeoutSeconds: 12,
      pollers: 4,
    });
  });

  it('reads the ports from PORT, DYNAMODB_PORT and SQS_PORT', () => {
    // Prepare
    const env = { PORT: '5000', DYNAMODB_PORT: '5001', SQS_PORT: '5002' };

    // Act
    const options = parseStartOptions([], env, CWD);

    // Assess
    expect([options.port, options.dynamoDbPort, options.sqsPort]).toEqual([5000, 5001, 5002]);
  });

  it.each([
    [['--port', 'abc'], /--port must be a whole number/],
    [['--port', '70000'], /--port must be between 1 and 65535/],
    [['--sqs-port', '3000'], /must differ/],
    [['--visibility-timeout', '0'], /--visibility-timeout must be between/],
    [['--pollers', '11'], /--pollers must be between 1 and 10/],
    [['--log-format', 'xml'], /--log-format must be one of pretty, json, got "xml"/],
    [['--log-level', 'loud'], /--log-level \(or POWERTOOLS_LOG_LEVEL\) must be one of TRACE/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['extra'], /positional/],
    [['--iam-revoke', 'nobody=sqs:SendMessage'], /FUNCTION=service:Action/],
    [['--iam-revoke', 'worker'], /FUNCTION=service:Action/],
    [['--no-iam', '--iam-revoke', 'worker=dynamodb:GetItem'], /drop --no-iam/],
    [['--forward-changes', 'localhost:4000'], /--forward-changes: the URL must be http or https/],
    [['--forward-changes', 'not a url'], /--forward-changes: "not a url" is not a URL/],
  ])('refuses %j with a usage error', (argv, message) => {
    // Prepare
    const parse = () => parseStartOptions(argv, {}, CWD);

    // Act
    let thrown: unknown;
    try {
      parse();
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(UsageError);
    expect(String(thrown)).toMatch(message);
  });
});
