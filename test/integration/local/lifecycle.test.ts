import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../local/servers/free-port';
import { assertPortsFree } from '../../../local/servers/port-check';
import { stackChildEnvironment } from '../../../local/stack/spawn-local-stack';
import { isProcessAlive, readStackFile, stackFilePath } from '../../../local/stack/stack-file';
import {
  REPOSITORY_ROOT,
  runScript,
  type StackPorts,
  startStackProcess,
} from './support/stack-process';

jest.setTimeout(300_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const freePorts = async (): Promise<StackPorts> => ({
  port: await freePort(),
  dynamoDbPort: await freePort(),
  sqsPort: await freePort(),
});

const portFlags = (ports: StackPorts, dataDir: string) => [
  '--port',
  String(ports.port),
  '--dynamodb-port',
  String(ports.dynamoDbPort),
  '--sqs-port',
  String(ports.sqsPort),
  '--data-dir',
  dataDir,
];

/** An authenticated delivery that fails validation: answered 400 and kept on quarantine. */
const quarantineOne = async (url: string): Promise<number> => {
  const response = await fetch(
    `${url}/webhooks/image-intelligence?token=dev-image-intelligence-token`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'lifecycle-job', status: 'COMPLETED_SUCCESSFULLY' }),
    },
  );
  await response.text();
  return response.status;
};

const savedMessages = (dataDir: string, queue: string): unknown[] => {
  const json: unknown = JSON.parse(readFileSync(join(dataDir, 'sqs', `${queue}.json`), 'utf8'));
  return typeof json === 'object' &&
    json !== null &&
    'messages' in json &&
    Array.isArray(json.messages)
    ? json.messages
    : [];
};

/** `npm start` exactly as a person or a process manager runs it, resolved once healthy. */
const startWithNpm = async (dataDir: string, ports: StackPorts) => {
  const child = spawn('npm', ['start', '--', ...portFlags(ports, dataDir)], {
    cwd: REPOSITORY_ROOT,
    env: stackChildEnvironment(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${ports.port}`;
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`npm start did not become healthy:\n${output}`);
    }
    const status = await fetch(`${url}/health`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) break;
    await sleep(250);
  }
  return { child, url, exited, output: () => output };
};

describe('stopping the local stack', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'lifecycle-'));
    dirs.push(dir);
    return dir;
  };

  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s to the pid of npm start stops the stack cleanly: queues saved, ports released',
    async (signal) => {
      // Prepare
      const dataDir = tempDir();
      const ports = await freePorts();
      const npm = await startWithNpm(dataDir, ports);
      const info = readStackFile(dataDir);
      expect(await quarantineOne(npm.url)).toBe(400);

      // Act
      npm.child.kill(signal);
      const code = await npm.exited;

      // Assess
      expect(code).toBe(0);
      expect(npm.output()).toMatch(
        /^\d\d:\d\d:\d\d ✗ image-intelligence 400 invalid_payload: createdAt, jobResults, imageResults \d+ ms$/m,
      );
      expect(npm.output()).toContain('stopped; saved 0 main, 0 DLQ, 1 quarantine messages');
      expect(savedMessages(dataDir, 'quarantine')).toHaveLength(1);
      expect(existsSync(stackFilePath(dataDir))).toBe(false);
      expect(info?.pid).toBeDefined();
      expect(isProcessAlive(info?.pid ?? 0)).toBe(false);
      expect(isProcessAlive(info?.dynamoDbPid ?? 0)).toBe(false);
      await expect(
        assertPortsFree([
          { port: ports.port, host: '127.0.0.1', purpose: 'HTTP API', flag: '--port' },
          { port: ports.dynamoDbPort, host: '0.0.0.0', purpose: 'DynamoDB', flag: '-' },
          { port: ports.sqsPort, host: '127.0.0.1', purpose: 'SQS', flag: '-' },
        ]),
      ).resolves.toBeUndefined();
    },
  );

  it('npm run stop stops the stack of a data directory the same way and says what it saved', async () => {
    // Prepare
    const dataDir = tempDir();
    const stack = await startStackProcess(dataDir, await freePorts());
    expect(await quarantineOne(stack.url)).toBe(400);

    // Act
    const result = await runScript('stop', ['--data-dir', dataDir]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `Stopped; saved 0 main, 0 DLQ, 1 quarantine messages to ${join(dataDir, 'sqs')}.`,
    );
    expect(stack.alive()).toBe(false);
    expect(await stack.stop()).toBe(0);
    expect(savedMessages(dataDir, 'quarantine')).toHaveLength(1);
  });

  it('npm run stop with no stack running says so and succeeds', async () => {
    // Act
    const result = await runScript('stop', ['--data-dir', tempDir()]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No local stack is running from');
  });
});

describe('starting on busy ports', () => {
  it('names every busy port in one error, with the flag that moves each', async () => {
    // Prepare
    const ports = await freePorts();
    const holders: Server[] = [];
    for (const port of [ports.port, ports.sqsPort]) {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      holders.push(server);
    }
    const dataDir = mkdtempSync(join(tmpdir(), 'lifecycle-'));

    // Act
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'local/start.ts', ...portFlags(ports, dataDir)],
        { cwd: REPOSITORY_ROOT, env: stackChildEnvironment(), stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.once('exit', (code) => resolve({ code, stderr }));
    });
    for (const server of holders) await new Promise((resolve) => server.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('2 ports the local stack needs cannot be used');
    expect(result.stderr).toContain(
      `Port ${ports.port} (HTTP API) is already in use. Stop whatever holds it, or pick another port with --port N.`,
    );
    expect(result.stderr).toContain(
      `Port ${ports.sqsPort} (local SQS) is already in use. Stop whatever holds it, or pick another port with --sqs-port N.`,
    );
    expect(result.stderr).not.toContain(`Port ${ports.dynamoDbPort}`);
  });
});
