// A local stand-in for AWS on 127.0.0.1 (a real socket): STS AssumeRole (query/XML), S3 REST/XML
// GetObject/PutObject, DynamoDB JSON 1.0 GetItem/PutItem, Secrets Manager JSON 1.1 GetSecretValue
// and Lambda Invoke. Every request must carry a valid SigV4 signature for one of the known test
// keys (checked with an independent implementation of AWS's algorithm on node:crypto), else the
// fake answers like AWS does (403 SignatureDoesNotMatch / InvalidSignatureException).
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Test keys: access key id → secret (and the session token a temporary key needs). */
export const KEYS: Record<string, { secret: string; token?: string }> = {
  AKIDGUEST: { secret: 'guest-secret' },
  AKIDHOST: { secret: 'host-secret' },
  AKIDDENIED: { secret: 'denied-secret' },
  ASIASESSION: { secret: 'session-secret', token: 'session-token' },
};

export const ROLE_ARN = 'arn:aws:iam::123456789012:role/momento-test';
export const DENIED_ROLE_ARN = 'arn:aws:iam::123456789012:role/denied';

export interface SignedCall {
  readonly service: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

export interface S3Object {
  body: Buffer;
  metadata: [string, string][];
  etag: string;
}

export interface FakeAws {
  readonly url: string;
  readonly calls: SignedCall[];
  readonly connections: () => number;
  readonly s3: Map<string, Map<string, S3Object>>;
  readonly tables: Map<string, Map<string, Record<string, unknown>>>;
  readonly secrets: Map<string, { SecretString?: string; SecretBinary?: string; CreatedDate?: number }>;
  /** Replaces the next answer of a service with this status and body. */
  failNext(service: string, status: number, body: string, headers?: Record<string, string>): void;
  /** Holds S3 GetObject bodies: sends the first `n` bytes, then waits for `release()`. */
  holdS3Body(n: number): { release(): void };
  close(): Promise<void>;
}

function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** AWS SigV4 verification, written from the published algorithm. */
export function verify(
  req: IncomingMessage,
  body: Buffer,
): { ok: boolean; why: string; service: string; region: string; accessKeyId: string } {
  const auth = String(req.headers.authorization ?? '');
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!m)
    return { ok: false, why: 'no SigV4 authorization header', service: '', region: '', accessKeyId: '' };
  const [, accessKeyId = '', date = '', region = '', service = '', signedHeaders = '', signature = ''] = m;
  const key = KEYS[accessKeyId];
  if (!key) return { ok: false, why: `unknown access key ${accessKeyId}`, service, region, accessKeyId };
  if (key.token && req.headers['x-amz-security-token'] !== key.token)
    return { ok: false, why: 'missing or wrong session token', service, region, accessKeyId };
  const raw = req.url ?? '/';
  const [rawPath = '/', rawQuery = ''] = raw.split('?');
  const canonicalUri =
    service === 's3'
      ? rawPath
      : rawPath
          .split('/')
          .map((seg) => uriEncode(seg))
          .join('/');
  const query = new URLSearchParams(rawQuery);
  const pairs = [...query].map(([k, v]) => [uriEncode(k), uriEncode(v)] as const);
  pairs.sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1));
  const names = signedHeaders.split(';');
  if (!names.includes('host')) return { ok: false, why: 'host is not signed', service, region, accessKeyId };
  const canonicalHeaders = names
    .map((n) => {
      const values: string[] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        if (req.rawHeaders[i]?.toLowerCase() === n) values.push(req.rawHeaders[i + 1] ?? '');
      return `${n}:${values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',')}\n`;
    })
    .join('');
  const bodyHash = createHash('sha256').update(body).digest('hex');
  let payloadHash = bodyHash;
  if (service === 's3') {
    payloadHash = String(req.headers['x-amz-content-sha256'] ?? '');
    if (payloadHash !== bodyHash)
      return { ok: false, why: 'x-amz-content-sha256 does not match the body', service, region, accessKeyId };
  }
  const canonical = [
    req.method,
    canonicalUri,
    pairs.map(([k, v]) => `${k}=${v}`).join('&'),
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = [
    'AWS4-HMAC-SHA256',
    String(req.headers['x-amz-date']),
    scope,
    createHash('sha256').update(canonical).digest('hex'),
  ].join('\n');
  let k: Buffer = createHmac('sha256', `AWS4${key.secret}`).update(date).digest();
  for (const part of [region, service, 'aws4_request']) k = createHmac('sha256', k).update(part).digest();
  const expected = createHmac('sha256', k).update(toSign).digest('hex');
  return {
    ok: expected === signature,
    why: expected === signature ? '' : 'signature mismatch',
    service,
    region,
    accessKeyId,
  };
}

const xml = (res: ServerResponse, status: number, code: string, message: string) => {
  res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': 'REQ123' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>REQ123</RequestId></Error>`,
  );
};
const json = (res: ServerResponse, status: number, value: unknown, type = 'application/x-amz-json-1.0') => {
  res.writeHead(status, { 'content-type': type, 'x-amzn-requestid': 'RID-1' });
  res.end(JSON.stringify(value));
};
const jsonErr = (res: ServerResponse, status: number, code: string, message: string, type?: string) =>
  json(res, status, { __type: `com.amazonaws.test#${code}`, message }, type);

/** Base64 as DynamoDB's JSON protocol requires it: padded, length a multiple of 4. */
function checkPadded(value: unknown): boolean {
  return typeof value === 'string' && value.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(value);
}
function allBinaryPadded(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return true;
  for (const [type, inner] of Object.entries(v as Record<string, unknown>)) {
    if (type === 'B' && !checkPadded(inner)) return false;
    if (type === 'BS' && !(inner as unknown[]).every(checkPadded)) return false;
    if (type === 'L' && !(inner as unknown[]).every(allBinaryPadded)) return false;
    if (type === 'M' && !Object.values(inner as object).every(allBinaryPadded)) return false;
  }
  return true;
}

export async function startFakeAws(): Promise<FakeAws> {
  const calls: SignedCall[] = [];
  const s3 = new Map<string, Map<string, S3Object>>([['test-bucket', new Map()]]);
  const tables = new Map<string, Map<string, Record<string, unknown>>>([['test-table', new Map()]]);
  const secrets = new Map<string, { SecretString?: string; SecretBinary?: string; CreatedDate?: number }>();
  const failures = new Map<string, { status: number; body: string; headers: Record<string, string> }>();
  let hold: { n: number; wait: Promise<void> } | undefined;
  let connections = 0;

  const server: Server = createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    const body = Buffer.concat(parts);
    const v = verify(req, body);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    calls.push({
      service: v.service,
      region: v.region,
      accessKeyId: v.accessKeyId,
      method: req.method ?? '',
      path,
      headers: req.headers,
      body,
    });
    const isJson = v.service !== 's3' && v.service !== 'sts';
    if (!v.ok) {
      if (isJson)
        return jsonErr(
          res,
          403,
          'InvalidSignatureException',
          `The request signature we calculated does not match: ${v.why}`,
        );
      return xml(
        res,
        403,
        'SignatureDoesNotMatch',
        `The request signature we calculated does not match: ${v.why}`,
      );
    }
    const failure = failures.get(v.service);
    if (failure) {
      failures.delete(v.service);
      res.writeHead(failure.status, failure.headers);
      return res.end(failure.body);
    }
    if (v.accessKeyId === 'AKIDDENIED') {
      if (isJson)
        return jsonErr(
          res,
          400,
          'AccessDeniedException',
          `User AKIDDENIED is not authorized to perform this action`,
        );
      return xml(res, 403, 'AccessDenied', 'Access Denied');
    }
    switch (v.service) {
      case 'sts': {
        const form = new URLSearchParams(body.toString());
        if (form.get('Action') !== 'AssumeRole' || v.accessKeyId !== 'AKIDHOST')
          return xml(res, 400, 'InvalidAction', 'bad STS call');
        if (form.get('RoleArn') === DENIED_ROLE_ARN) {
          res.writeHead(403, { 'content-type': 'text/xml' });
          return res.end(
            '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: host is not authorized to perform: sts:AssumeRole</Message></Error></ErrorResponse>',
          );
        }
        res.writeHead(200, { 'content-type': 'text/xml' });
        return res.end(
          `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIASESSION</AccessKeyId><SecretAccessKey>session-secret</SecretAccessKey><SessionToken>session-token</SessionToken><Expiration>${new Date(Date.now() + 3600_000).toISOString()}</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>`,
        );
      }
      case 's3': {
        const [, bucketEnc = '', ...keyParts] = path.split('/');
        const bucket = decodeURIComponent(bucketEnc);
        const key = keyParts.map(decodeURIComponent).join('/');
        const objects = s3.get(bucket);
        if (bucket === 'forbidden-bucket') return xml(res, 403, 'AccessDenied', 'Access Denied');
        if (!objects) return xml(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
        if (req.method === 'PUT') {
          const metadata: [string, string][] = [];
          for (let i = 0; i < req.rawHeaders.length; i += 2) {
            const name = (req.rawHeaders[i] ?? '').toLowerCase();
            if (name.startsWith('x-amz-meta-')) metadata.push([name.slice(11), req.rawHeaders[i + 1] ?? '']);
          }
          if (metadata.reduce((n, [k, val]) => n + k.length + val.length, 0) > 2048)
            return xml(
              res,
              400,
              'MetadataTooLarge',
              'Your metadata headers exceed the maximum allowed metadata size.',
            );
          const etag = `"${createHash('md5').update(body).digest('hex')}"`;
          objects.set(key, { body, metadata, etag });
          res.writeHead(200, {
            etag,
            'x-amz-version-id': 'v1',
            'x-amz-expiration': 'expiry-date="Fri, 23 Dec 2033 00:00:00 GMT", rule-id="r"',
          });
          return res.end();
        }
        const object = objects.get(key);
        if (!object) return xml(res, 404, 'NoSuchKey', 'The specified key does not exist.');
        const headers: Record<string, string> = {
          etag: object.etag,
          'content-length': String(object.body.length),
        };
        for (const [k, val] of object.metadata) headers[`x-amz-meta-${k}`] = val;
        res.writeHead(200, headers);
        if (hold) {
          const { n, wait } = hold;
          hold = undefined;
          res.write(object.body.subarray(0, n));
          await wait;
          return res.end(object.body.subarray(n));
        }
        return res.end(object.body);
      }
      case 'dynamodb': {
        const target = String(req.headers['x-amz-target'] ?? '');
        if (req.headers['content-type'] !== 'application/x-amz-json-1.0')
          return jsonErr(res, 400, 'SerializationException', 'wrong content type');
        const input = JSON.parse(body.toString()) as Record<string, unknown>;
        const table = tables.get(String(input.TableName));
        if (!table) return jsonErr(res, 400, 'ResourceNotFoundException', 'Requested resource not found');
        const consumed = (mode: unknown) =>
          mode === 'TOTAL' || mode === 'INDEXES'
            ? {
                ConsumedCapacity: {
                  TableName: input.TableName,
                  CapacityUnits: 1.5,
                  ...(mode === 'INDEXES'
                    ? {
                        Table: { CapacityUnits: 0.5 },
                        GlobalSecondaryIndexes: { gsi1: { CapacityUnits: 1 } },
                      }
                    : {}),
                },
              }
            : {};
        if (target === 'DynamoDB_20120810.GetItem') {
          const keyAttrs = input.Key as Record<string, unknown>;
          if (!allBinaryPadded(keyAttrs))
            return jsonErr(
              res,
              400,
              'SerializationException',
              'Base64 encoded length is expected a multiple of 4 bytes',
            );
          if (!keyAttrs.pk)
            return jsonErr(
              res,
              400,
              'ValidationException',
              'The provided key element does not match the schema',
            );
          const item = table.get(JSON.stringify(keyAttrs.pk));
          let out = item;
          if (item && typeof input.ProjectionExpression === 'string') {
            const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
            const wanted = input.ProjectionExpression.split(',').map((s) => names[s.trim()] ?? s.trim());
            out = Object.fromEntries(Object.entries(item).filter(([k]) => wanted.includes(k)));
          }
          return json(res, 200, { ...(out ? { Item: out } : {}), ...consumed(input.ReturnConsumedCapacity) });
        }
        if (target === 'DynamoDB_20120810.PutItem') {
          const item = input.Item as Record<string, unknown>;
          if (!allBinaryPadded(item) || !allBinaryPadded(input.ExpressionAttributeValues ?? {}))
            return jsonErr(
              res,
              400,
              'SerializationException',
              'Base64 encoded length is expected a multiple of 4 bytes',
            );
          if (!item.pk)
            return jsonErr(
              res,
              400,
              'ValidationException',
              'One or more parameter values were invalid: Missing the key pk in the item',
            );
          const keyString = JSON.stringify(item.pk);
          const old = table.get(keyString);
          if (input.ConditionExpression === 'attribute_not_exists(pk)' && old)
            return jsonErr(res, 400, 'ConditionalCheckFailedException', 'The conditional request failed');
          if (input.ConditionExpression === '#v = :v') {
            const names = input.ExpressionAttributeNames as Record<string, string>;
            const values = input.ExpressionAttributeValues as Record<string, unknown>;
            const attr = names['#v'] ?? '';
            if (!old || JSON.stringify(old[attr]) !== JSON.stringify(values[':v']))
              return jsonErr(res, 400, 'ConditionalCheckFailedException', 'The conditional request failed');
          }
          table.set(keyString, item);
          return json(res, 200, {
            ...(input.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {}),
            ...consumed(input.ReturnConsumedCapacity),
          });
        }
        return jsonErr(res, 400, 'UnknownOperationException', target);
      }
      case 'secretsmanager': {
        const type = 'application/x-amz-json-1.1';
        if (
          req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue' ||
          req.headers['content-type'] !== type
        )
          return jsonErr(res, 400, 'InvalidRequestException', 'bad target', type);
        const input = JSON.parse(body.toString()) as {
          SecretId: string;
          VersionId?: string;
          VersionStage?: string;
        };
        if (input.SecretId === '')
          return jsonErr(res, 400, 'InvalidParameterException', 'You must provide a SecretId', type);
        if (input.SecretId === 'denied-secret')
          return jsonErr(res, 400, 'AccessDeniedException', 'not allowed', type);
        const secret = secrets.get(input.SecretId);
        if (!secret)
          return jsonErr(
            res,
            400,
            'ResourceNotFoundException',
            "Secrets Manager can't find the specified secret.",
            type,
          );
        return json(
          res,
          200,
          {
            ARN: `arn:aws:secretsmanager:${v.region}:123456789012:secret:${input.SecretId}-AbCdEf`,
            Name: input.SecretId,
            VersionId: input.VersionId ?? 'version-1',
            VersionStages: [input.VersionStage ?? 'AWSCURRENT'],
            CreatedDate: secret.CreatedDate ?? 1.523477145713e9,
            ...(secret.SecretString !== undefined ? { SecretString: secret.SecretString } : {}),
            ...(secret.SecretBinary !== undefined ? { SecretBinary: secret.SecretBinary } : {}),
          },
          type,
        );
      }
      case 'lambda': {
        const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(path);
        const name = decodeURIComponent(m?.[1] ?? '');
        const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
        const errorType = (code: string, status: number, message: string) => {
          res.writeHead(status, {
            'content-type': 'application/json',
            'x-amzn-errortype': `${code}:http://internal.amazon.com/coral/com.amazonaws.awslambda/`,
            'x-amzn-requestid': 'RID-L',
          });
          res.end(JSON.stringify({ Type: 'User', message }));
        };
        if (name !== 'echo' && !name.endsWith(':function:echo'))
          return errorType(
            'ResourceNotFoundException',
            404,
            `Function not found: arn:aws:lambda:${v.region}:123456789012:function:${name}`,
          );
        if (type === 'Event') return res.writeHead(202).end();
        if (type === 'DryRun') return res.writeHead(204).end();
        if (body.length > 0 && body.toString() === 'not json')
          return errorType('InvalidRequestContentException', 400, 'Could not parse request body into json');
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          'x-amz-executed-version': '$LATEST',
        };
        if (req.headers['x-amz-log-type'] === 'Tail')
          headers['x-amz-log-result'] = Buffer.from('START RequestId: 1\nEND').toString('base64');
        res.writeHead(200, headers);
        return res.end(
          JSON.stringify({
            echo: body.length > 0 ? JSON.parse(body.toString()) : null,
            qualifier: new URLSearchParams((req.url ?? '').split('?')[1] ?? '').get('Qualifier'),
            clientContext: req.headers['x-amz-client-context'] ?? null,
          }),
        );
      }
      default:
        res.writeHead(400).end(`unknown service ${v.service}`);
    }
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    connections: () => connections,
    s3,
    tables,
    secrets,
    failNext(service, status, body, headers = {}) {
      failures.set(service, { status, body, headers });
    },
    holdS3Body(n) {
      let release!: () => void;
      const wait = new Promise<void>((r) => {
        release = r;
      });
      hold = { n, wait };
      return { release };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `createAwsServices` options pointing every service at the fake. */
export function fakeEndpoints(url: string) {
  return { s3: url, dynamodb: url, secretsManager: url, lambda: url, sts: `${url}/` };
}
