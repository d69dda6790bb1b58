/**
 * `momento:aws-s3/aws-s3@1.0.0`: GetObject and PutObject over S3's REST API (see docs/aws.md).
 * Object bodies stream: a GetObject body is handed to the guest as a host buffer, so a function
 * can relay it without reading it.
 */
import { guestMemoryBytes } from '../limits.js';
import type { HostBody, HostService, InvocationContext, ServiceData, WitResult } from '../types.js';
import {
  AwsAnswerError,
  AwsClient,
  classify,
  MalformedRequest,
  requireClient,
  type WitAwsError,
  witCall,
} from './common.js';
import { type AwsResponse, type AwsTransport, header, uriEncode, xmlError } from './transport.js';

/** The versioned interface name. */
export const S3_INTERFACE = 'momento:aws-s3/aws-s3@1.0.0';

interface WitPutObjectRequest {
  bucket: string;
  key: string;
  body: ServiceData;
  metadata: [string, string][];
}
interface WitPutObjectOutput {
  expiration: string | undefined;
  etag: string | undefined;
  versionId: string | undefined;
}
interface WitGetObjectRequest {
  bucket: string;
  key: string;
}
interface WitGetObjectOutput {
  body: ServiceData | undefined;
  etag: string | undefined;
  versionId: string | undefined;
  expiration: string | undefined;
  metadata: [string, string][];
}

const BUCKET = /^[a-z0-9][a-z0-9.\-_]{1,254}$/i;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Creates the S3 service on a shared transport.
 * @internal
 */
export function createS3Service(transport: AwsTransport): HostService {
  function objectUrl(region: string, bucket: string, key: string): URL {
    if (!BUCKET.test(bucket)) {
      throw new MalformedRequest(
        `invalid bucket name ${JSON.stringify(bucket)}: S3 bucket names are 3–63 lowercase letters, digits, dots and hyphens`,
      );
    }
    if (key.length === 0) throw new MalformedRequest('the object key is empty: give the key of the object');
    const path = key.split('/').map(uriEncode).join('/');
    const { base, overridden } = transport.endpoint('s3', region);
    // Path-style for custom endpoints (MinIO, LocalStack) and for names that cannot be a DNS label.
    if (overridden || bucket.includes('.') || /[A-Z_]/.test(bucket)) {
      return new URL(`${base}/${uriEncode(bucket)}/${path}`);
    }
    const url = new URL(base);
    url.hostname = `${bucket}.${url.hostname}`;
    return new URL(`${url.origin}/${path}`);
  }

  async function failure(
    operation: string,
    url: URL,
    response: AwsResponse,
    permission: string,
  ): Promise<AwsAnswerError> {
    const text = new TextDecoder().decode(await transport.readAll(url, response));
    const error = xmlError(response, text);
    return classify(operation, error, {
      malformedCodes: new Set([error.status === 400 ? error.code : '\u0000']),
      hint: `check that the credentials' policy allows ${permission} on this object`,
    });
  }

  const get = (
    ctx: InvocationContext,
    self: unknown,
    request: WitGetObjectRequest,
  ): Promise<WitResult<WitGetObjectOutput, WitAwsError>> => {
    const operation = `S3 GetObject s3://${request.bucket}/${request.key}`;
    return witCall(operation, async () => {
      const client = requireClient(self, `${S3_INTERFACE}#[method]client.get`);
      const { region } = client.provider;
      const url = objectUrl(region, request.bucket, request.key);
      const credentials = await client.provider.credentials();
      const response = await transport.send({
        service: 's3',
        region,
        credentials,
        method: 'GET',
        url,
        headers: [],
        body: new Uint8Array(0),
        signal: ctx.signal,
      });
      if (response.status === 200) {
        // Bounded by the guest's memory limit: a larger object could never be read into it.
        const limit = guestMemoryBytes(ctx);
        const declared = Number(header(response, 'content-length'));
        if (declared > limit) {
          response.body.destroy();
          throw new AwsAnswerError(
            'other',
            `${operation}: the object is ${declared} bytes, more than the guest's memory limit (${limit} bytes, limits.memoryBytes) lets it receive; raise limits.memoryBytes or fetch less`,
          );
        }
        return {
          body: { tag: 'buffer', val: boundedBody(response.body, limit, operation) },
          etag: header(response, 'etag'),
          versionId: header(response, 'x-amz-version-id'),
          expiration: header(response, 'x-amz-expiration'),
          metadata: metadataOf(response),
        };
      }
      if (response.status === 404) {
        const text = new TextDecoder().decode(await transport.readAll(url, response));
        const error = xmlError(response, text);
        if (error.code === 'NoSuchKey' || error.code === 'HTTP 404') {
          return {
            body: undefined,
            etag: undefined,
            versionId: undefined,
            expiration: undefined,
            metadata: [],
          };
        }
        // NoSuchBucket and friends: a configuration problem, not a missing object.
        throw classify(operation, error, {
          malformedCodes: new Set(),
          hint: 'check the bucket name and region',
        });
      }
      throw await failure(operation, url, response, 's3:GetObject');
    });
  };

  const put = (
    ctx: InvocationContext,
    self: unknown,
    request: WitPutObjectRequest,
  ): Promise<WitResult<WitPutObjectOutput, WitAwsError>> => {
    const operation = `S3 PutObject s3://${request.bucket}/${request.key}`;
    return witCall(operation, async () => {
      const client = requireClient(self, `${S3_INTERFACE}#[method]client.put`);
      const { region } = client.provider;
      const url = objectUrl(region, request.bucket, request.key);
      if (request.body.tag !== 'value') {
        throw new Error(`${S3_INTERFACE}#[method]client.put: the body did not arrive as bytes`);
      }
      const headers: [string, string][] = [];
      for (const [name, value] of request.metadata) {
        if (!TOKEN.test(name)) {
          throw new MalformedRequest(
            `invalid metadata key ${JSON.stringify(name)}: use letters, digits and - _ . (it is sent as the header x-amz-meta-${name})`,
          );
        }
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
        if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value) || /[^\u0000-\u00ff]/.test(value)) {
          throw new MalformedRequest(
            `invalid value for metadata key ${JSON.stringify(name)}: S3 metadata values are sent as HTTP headers and must be printable ASCII/Latin-1 without line breaks (encode other text, e.g. as base64 or URL-encoding)`,
          );
        }
        headers.push([`x-amz-meta-${name.toLowerCase()}`, value]);
      }
      const credentials = await client.provider.credentials();
      const response = await transport.send({
        service: 's3',
        region,
        credentials,
        method: 'PUT',
        url,
        headers,
        body: request.body.val,
        signal: ctx.signal,
      });
      if (response.status === 200) {
        await transport.readAll(url, response);
        return {
          expiration: header(response, 'x-amz-expiration'),
          etag: header(response, 'etag'),
          versionId: header(response, 'x-amz-version-id'),
        };
      }
      throw await failure(operation, url, response, 's3:PutObject');
    });
  };

  return {
    interface: S3_INTERFACE,
    functions: {
      '[constructor]client': (_ctx: InvocationContext, provider: unknown) =>
        new AwsClient(provider, `${S3_INTERFACE}#[constructor]client`),
      '[method]client.get': get,
      '[method]client.put': put,
    },
  };
}

/** User metadata from `x-amz-meta-*` response headers, in the order S3 sent them. */
function metadataOf(response: AwsResponse): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(response.headers)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value])
      out.push([name.slice('x-amz-meta-'.length), one]);
  }
  return out;
}

/** An object body that fails once it passes `limit` bytes (a body without a content-length). */
async function* boundedBody(
  body: AsyncIterable<unknown> & { destroy(): void },
  limit: number,
  operation: string,
): HostBody {
  let total = 0;
  try {
    for await (const chunk of body) {
      const bytes = chunk as Uint8Array;
      total += bytes.byteLength;
      if (total > limit) {
        throw new Error(
          `${operation}: the object is larger than the guest's memory limit (${limit} bytes, limits.memoryBytes); raise limits.memoryBytes or fetch less`,
        );
      }
      yield bytes;
    }
  } finally {
    body.destroy();
  }
}
