import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import * as v from 'valibot';
import { DEV_SECRETS } from '../../shared/config/dev-secrets';

/**
 * A stand-in for SQS (and Secrets Manager's GetSecretValue) that answers like the services over
 * their JSON protocols, in a process of its own, so the ingest CPU benchmark measures only the
 * handler's process: SigV4, serialization, the HTTP client and the SDK's MD5 check all run for
 * real against it. It prints `listening <port>` once ready and stops on SIGTERM.
 */

const SendMessageSchema = v.object({
  QueueUrl: v.string(),
  MessageBody: v.string(),
  MessageAttributes: v.optional(
    v.record(v.string(), v.object({ DataType: v.string(), StringValue: v.optional(v.string()) })),
  ),
});
type MessageAttributes = NonNullable<v.InferOutput<typeof SendMessageSchema>['MessageAttributes']>;

const md5Hex = (data: Buffer | string): string => createHash('md5').update(data).digest('hex');

const lengthPrefixed = (text: string): Buffer => {
  const bytes = Buffer.from(text, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
};

/**
 * SQS's `MD5OfMessageAttributes`: per attribute in name order, the length-prefixed name, data type,
 * a transport byte (1 = string) and the length-prefixed value.
 */
const attributesMd5 = (attributes: MessageAttributes): string =>
  md5Hex(
    Buffer.concat(
      Object.keys(attributes)
        .sort()
        .flatMap((name) => {
          const attribute = attributes[name];
          if (attribute === undefined) return [];
          return [
            lengthPrefixed(name),
            lengthPrefixed(attribute.DataType),
            Buffer.from([1]),
            lengthPrefixed(attribute.StringValue ?? ''),
          ];
        }),
    ),
  );

const reply = (response: ServerResponse, status: number, contentType: string, body: unknown) => {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(text);
};

const answer = (target: string, text: string, response: ServerResponse): void => {
  if (target === 'AmazonSQS.SendMessage') {
    const input = v.safeParse(SendMessageSchema, JSON.parse(text));
    if (!input.success) {
      reply(response, 400, 'application/x-amz-json-1.0', { __type: 'InvalidParameterValue' });
      return;
    }
    const attributes = input.output.MessageAttributes;
    reply(response, 200, 'application/x-amz-json-1.0', {
      MessageId: randomUUID(),
      MD5OfMessageBody: md5Hex(input.output.MessageBody),
      ...(attributes && Object.keys(attributes).length > 0
        ? { MD5OfMessageAttributes: attributesMd5(attributes) }
        : {}),
    });
    return;
  }
  if (target === 'secretsmanager.GetSecretValue') {
    reply(response, 200, 'application/x-amz-json-1.1', {
      ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-webhook-secrets-AbCdEf',
      Name: 'bench-webhook-secrets',
      VersionId: randomUUID(),
      SecretString: JSON.stringify(DEV_SECRETS),
      VersionStages: ['AWSCURRENT'],
      CreatedDate: 1_795_000_000,
    });
    return;
  }
  reply(response, 400, 'application/x-amz-json-1.0', { __type: 'InvalidAction' });
};

const server = createServer((request: IncomingMessage, response: ServerResponse) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const target = request.headers['x-amz-target'];
    try {
      answer(
        typeof target === 'string' ? target : '',
        Buffer.concat(chunks).toString('utf8'),
        response,
      );
    } catch {
      reply(response, 500, 'application/x-amz-json-1.0', { __type: 'InternalError' });
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
