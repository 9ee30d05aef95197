import { appendFileSync } from 'node:fs';
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FunctionName } from '../../shared/http/routes';
import {
  type AwsCall,
  accessKeyIdOf,
  awsCallOf,
  deniedResponse,
  type LocalService,
} from './aws-call';
import type { AuthorizationDecision } from './iam-evaluator';
import type { LocalSecret } from './local-secrets';
import type { LocalArnScope } from './template-bindings';

/** Decides one call of one function; `enforce: false` still records it. */
export type Authorizer = (name: FunctionName, call: AwsCall) => Promise<AuthorizationDecision>;

export interface IamProxyOptions {
  /** Where allowed DynamoDB and SQS calls go; a service with none is unreachable, as if down. */
  readonly upstreams: Readonly<Partial<Record<Exclude<LocalService, 'secretsmanager'>, string>>>;
  /** The secrets this proxy serves itself as a local Secrets Manager (GetSecretValue). */
  readonly secrets: readonly LocalSecret[];
  /** Which function signs with which access key id. */
  readonly principals: ReadonlyMap<string, FunctionName>;
  /** The session principal a function's calls are denied for, in IAM's message. */
  readonly principalArnOf: (name: FunctionName) => string;
  readonly authorize: Authorizer;
  readonly scope: LocalArnScope;
  /** Appends one JSON line per distinct (function, action, resource, decision) when set. */
  readonly callsLogFile?: string;
  readonly log: (line: string) => void;
}

/** One distinct call seen, and how often it was allowed and denied. */
export interface RecordedCall {
  readonly function: FunctionName;
  readonly action: string;
  readonly resource: string;
  allowed: number;
  denied: number;
}

export interface IamProxy {
  readonly endpoint: string;
  readonly stats: () => { readonly allowed: number; readonly denied: number };
  readonly calls: () => readonly RecordedCall[];
  readonly close: () => Promise<void>;
}

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

const parseJson = (body: Buffer): unknown => {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
};

const headerOf = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * The local stack's IAM boundary: every AWS call a handler makes goes to this proxy (the
 * functions' SDK endpoint variables point here), which tells the function by the access key id
 * its thread signs with, maps the call to an action and a resource ARN, has it decided against
 * the function's role, and then forwards it to DynamoDB Local or the local SQS server, answers it
 * as a local Secrets Manager, or refuses it with the error AWS returns. Nothing reaches the
 * servers around it: a call the role does not allow fails here as it fails in AWS.
 */
export const startIamProxy = async (options: IamProxyOptions): Promise<IamProxy> => {
  const counters = { allowed: 0, denied: 0 };
  // Connections to the servers behind are reused, as the SDK reuses its own.
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  // A role, its resources and the request context are fixed for the run, so each distinct
  // (function, action, resource) is decided once.
  const decisions = new Map<string, Promise<AuthorizationDecision>>();
  const calls = new Map<string, RecordedCall>();
  const secretsByArn = new Map(options.secrets.map((secret) => [secret.arn, secret]));
  const secretArnOf = (id: string): string | undefined =>
    secretsByArn.has(id) ? id : options.secrets.find((secret) => secret.name === id)?.arn;

  const record = (name: FunctionName, call: AwsCall, allowed: boolean): void => {
    const key = JSON.stringify([name, call.action, call.resource]);
    let entry = calls.get(key);
    if (entry === undefined) {
      entry = {
        function: name,
        action: call.action,
        resource: call.resource,
        allowed: 0,
        denied: 0,
      };
      calls.set(key, entry);
    }
    const first = allowed ? entry.allowed === 0 : entry.denied === 0;
    if (allowed) entry.allowed += 1;
    else entry.denied += 1;
    if (first && options.callsLogFile !== undefined) {
      appendFileSync(
        options.callsLogFile,
        `${JSON.stringify({ kind: 'call', function: name, action: call.action, resource: call.resource, allowed })}\n`,
      );
    }
  };

  const reply = (
    res: ServerResponse,
    status: number,
    headers: Record<string, string>,
    body: string,
  ) => {
    res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  };

  /** An SQS call names the proxy in its QueueUrl; the server behind expects its own URL. */
  const upstreamBody = (call: AwsCall, body: Buffer): Buffer => {
    if (call.service !== 'sqs') return body;
    const text = body.toString('utf8');
    if (options.upstreams.sqs === undefined) return body;
    const own = JSON.stringify(endpoint()).slice(1, -1);
    const upstream = JSON.stringify(options.upstreams.sqs).slice(1, -1);
    return Buffer.from(text.replaceAll(`"QueueUrl":"${own}/`, `"QueueUrl":"${upstream}/`));
  };

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, upstream: string) => {
    const target = new URL(req.url ?? '/', upstream);
    const outgoing = request(
      target,
      {
        agent,
        method: req.method,
        headers: { ...req.headers, host: target.host, 'content-length': String(body.length) },
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    outgoing.on('error', () => {
      // The server behind is down: the client sees a dropped connection, as it would.
      res.destroy();
    });
    outgoing.end(body);
  };

  const serveSecret = (res: ServerResponse, call: AwsCall) => {
    const secret = secretsByArn.get(call.resource);
    const json = { 'content-type': 'application/x-amz-json-1.1' };
    if (call.action !== 'secretsmanager:GetSecretValue' || secret === undefined) {
      reply(
        res,
        400,
        json,
        JSON.stringify({
          __type: 'ResourceNotFoundException',
          Message: "Secrets Manager can't find the specified secret.",
        }),
      );
      return;
    }
    reply(
      res,
      200,
      json,
      JSON.stringify({
        ARN: secret.arn,
        Name: secret.name,
        SecretString: secret.secretString,
        VersionId: 'local',
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 0,
      }),
    );
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const call = awsCallOf(
      headerOf(req, 'x-amz-target'),
      parseJson(body),
      options.scope,
      secretArnOf,
    );
    const keyId = accessKeyIdOf(headerOf(req, 'authorization'));
    const name = keyId === undefined ? undefined : options.principals.get(keyId);
    if (call === undefined || name === undefined) {
      options.log(
        `IAM proxy: refused a request it cannot attribute (target ${headerOf(req, 'x-amz-target') ?? 'none'}, key ${keyId ?? 'none'})`,
      );
      reply(
        res,
        403,
        { 'content-type': 'application/x-amz-json-1.0' },
        JSON.stringify({
          __type: 'com.amazon.coral.service#UnrecognizedClientException',
          message: 'The security token included in the request is invalid.',
        }),
      );
      return;
    }
    const decisionKey = JSON.stringify([name, call.action, call.resource]);
    let decided = decisions.get(decisionKey);
    if (decided === undefined) {
      decided = options.authorize(name, call);
      decisions.set(decisionKey, decided);
    }
    const decision = await decided;
    record(name, call, decision.allowed);
    if (!decision.allowed) {
      counters.denied += 1;
      options.log(
        `IAM denied: ${name} ${call.action} on ${call.resource} (${decision.result}${decision.detail ? `: ${decision.detail}` : ''})`,
      );
      const denied = deniedResponse(call, options.principalArnOf(name));
      reply(res, denied.status, { ...denied.headers }, denied.body);
      return;
    }
    counters.allowed += 1;
    if (call.service === 'secretsmanager') {
      serveSecret(res, call);
      return;
    }
    const upstream = options.upstreams[call.service];
    // No server behind: the client sees a dropped connection, as with a server that is down.
    if (upstream === undefined) res.destroy();
    else forward(req, res, upstreamBody(call, body), upstream);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.log(`IAM proxy: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) reply(res, 500, {}, '');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  const endpoint = (): string => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: endpoint(),
    stats: () => ({ ...counters }),
    calls: () => [...calls.values()].map((entry) => ({ ...entry })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
};
