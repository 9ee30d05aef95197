import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';

/** The bytes SigV4 hashes, as the signer hands them over. */
type SourceData = string | ArrayBuffer | ArrayBufferView;

const bytesOf = (data: SourceData): Buffer =>
  typeof data === 'string'
    ? Buffer.from(data, 'utf8')
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

/** SHA-256 and HMAC-SHA-256 from `node:crypto`, in the shape the SigV4 signer expects. */
class NodeSha256 {
  private readonly hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret));
  }

  update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

/** `<api id>.execute-api.<region>.amazonaws.com`: the deployed HTTP API's own host name. */
const EXECUTE_API_HOST = /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/;

/** The AWS region of a deployed API's URL, or undefined for any other host (the local stack). */
export const executeApiRegionOf = (url: URL): string | undefined =>
  EXECUTE_API_HOST.exec(url.hostname)?.[1];

/** Where the signer takes its credentials from; the SDK's default chain unless a test says. */
export type CredentialsProvider = ReturnType<typeof defaultProvider>;

/** What to sign: a GET of `url` for `service` in `region`, with any extra headers to sign. */
export interface GetToSign {
  readonly url: URL;
  readonly service: string;
  readonly region: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The signing time; now unless a test fixes it. */
  readonly signingDate?: Date;
}

/** The headers of a SigV4-signed GET (`authorization`, `x-amz-date`, and the others signed). */
export const sigV4GetHeaders = async (
  request: GetToSign,
  credentials: CredentialsProvider,
): Promise<Record<string, string>> => {
  const { url, service, region } = request;
  // No `x-amz-content-sha256` header: only S3 wants it, and a GET has no body.
  const signer = new SignatureV4({
    service,
    region,
    credentials,
    sha256: NodeSha256,
    applyChecksum: false,
  });
  const query: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) (query[name] ??= []).push(value);
  const signed = await signer.sign(
    {
      method: 'GET',
      protocol: url.protocol,
      hostname: url.hostname,
      path: url.pathname,
      query,
      headers: { ...request.headers, host: url.host },
    },
    request.signingDate ? { signingDate: request.signingDate } : {},
  );
  return signed.headers;
};

let defaultCredentials: CredentialsProvider | undefined;

/**
 * The caller's credential chain, built on first use and then shared, so a paged listing resolves
 * credentials (profile files, SSO cache) once rather than per page; local runs never build it.
 */
const callerCredentials = (): CredentialsProvider => (defaultCredentials ??= defaultProvider());

/**
 * The headers a GET to the read API needs. The local stack's routes are open, so a local URL gets
 * none. The deployed routes are IAM-authorized, so a URL on the API's `execute-api` host is signed
 * with SigV4 (service `execute-api`, the host's region) using the caller's AWS credentials from
 * the SDK's default chain: environment, shared profile (`AWS_PROFILE`), SSO, and the rest.
 */
export const readApiHeaders = async (
  url: URL,
  credentials: CredentialsProvider = callerCredentials(),
): Promise<Record<string, string>> => {
  const region = executeApiRegionOf(url);
  if (region === undefined) return {};
  return sigV4GetHeaders({ url, service: 'execute-api', region }, credentials);
};
