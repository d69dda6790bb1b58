import type { AddressInfo, Socket } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createHttpService, signRequest } from '@momento-functions/runtime/services/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  context,
  errText,
  ok,
  readAll,
  startUpstream,
  type Upstream,
  verifySigV4,
  witRequest,
} from './upstream.js';

let upstream: Upstream;
let releaseSecondEvent: () => void = () => {};
let closedBeforeEnd = 0;
const gzipped = gzipSync(Buffer.from('hello gzip'));

beforeAll(async () => {
  upstream = await startUpstream({
    '/echo': (req, res, body) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          method: req.method,
          url: req.url,
          rawHeaders: req.rawHeaders,
          body: body.toString('utf8'),
        }),
      );
    },
    '/headers': (_req, res) => {
      res.writeHead(200, [
        ['Set-Cookie', 'a=1'],
        ['X-Mixed-Case', 'v'],
        ['Set-Cookie', 'b=2'],
        ['X-Utf8', Buffer.from('café ✓', 'utf8').toString('latin1')],
        ['Connection', 'keep-alive, X-Hop'],
        ['X-Hop', 'drop me'],
      ]);
      res.end('ok');
    },
    '/sse': async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write('event: one\ndata: first\n\n');
      await new Promise<void>((resolve) => {
        releaseSecondEvent = resolve;
      });
      res.end('data: second\n\n');
    },
    '/never': () => {
      // never answers: headers timeout
    },
    '/stall': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
      // never ends: body timeout
    },
    '/big': (_req, res) => {
      res.writeHead(200, { 'content-length': String(1024 * 1024) });
      res.end(Buffer.alloc(1024 * 1024));
    },
    '/big-chunked': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let i = 0; i < 64; i++) res.write(Buffer.alloc(16 * 1024));
      res.end();
    },
    '/endless': (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: x\n\n');
      req.socket.on('close', () => {
        if (!res.writableEnded) closedBeforeEnd++;
      });
    },
    '/redirect': (_req, res) => {
      res.writeHead(302, { location: '/echo' }).end();
    },
    '/gzip': (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' });
      res.end(gzipped);
    },
    '/signed': (req, res, body) => {
      const v = verifySigV4(req, body, 'test-secret');
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          ...v,
          token: req.headers['x-amz-security-token'] ?? null,
          auth: req.headers.authorization,
        }),
      );
    },
  });
});

afterAll(async () => {
  await upstream.close();
});

const json = async (body: AsyncIterable<Uint8Array>) => JSON.parse((await readAll(body)).toString('utf8'));

describe('momento:http host service: requests and responses', () => {
  it('sends method, headers and body, and returns status, ordered headers and a streamed body', async () => {
    const service = createHttpService();
    const response = await ok(
      service,
      witRequest(`${upstream.url}/echo?q=1`, 'POST', {
        headers: [
          ['X-Custom', 'one'],
          ['x-custom', 'two'],
          ['accept', 'application/json'],
        ],
        body: { tag: 'value', val: new TextEncoder().encode('payload é') },
      }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1]).toBe('application/json');
    expect(response.body.tag).toBe('buffer');
    const echoed = await json(response.body.val);
    expect(echoed.method).toBe('POST');
    expect(echoed.url).toBe('/echo?q=1');
    expect(echoed.body).toBe('payload é');
    const raw: string[] = echoed.rawHeaders;
    const pairs = [];
    for (let i = 0; i < raw.length; i += 2) pairs.push([raw[i], raw[i + 1]]);
    expect(pairs.filter(([n]) => n?.toLowerCase() === 'x-custom')).toEqual([
      ['X-Custom', 'one'],
      ['x-custom', 'two'],
    ]);
    expect(pairs.find(([n]) => n?.toLowerCase() === 'host')?.[1]).toBe(`127.0.0.1:${upstream.port}`);
    expect(pairs.find(([n]) => n?.toLowerCase() === 'content-length')?.[1]).toBe(
      String(Buffer.byteLength('payload é')),
    );
    await service.close?.();
  });

  it('drops hop-by-hop headers and the guest host / content-length, and computes its own', async () => {
    const service = createHttpService();
    const response = await ok(
      service,
      witRequest(`${upstream.url}/echo`, 'PUT', {
        headers: [
          ['Host', 'caller.example'],
          ['Content-Length', '999'],
          ['Connection', 'X-Private'],
          ['X-Private', 'secret'],
          ['Keep-Alive', 'timeout=5'],
          ['Transfer-Encoding', 'chunked'],
          ['Upgrade', 'websocket'],
          ['TE', 'trailers'],
          ['X-Kept', 'yes'],
        ],
        body: { tag: 'value', val: new TextEncoder().encode('abc') },
      }),
    );
    const echoed = await json(response.body.val);
    const names = (echoed.rawHeaders as string[]).filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(names).not.toContain('x-private');
    expect(names).not.toContain('keep-alive');
    expect(names).not.toContain('transfer-encoding');
    expect(names).not.toContain('upgrade');
    expect(names).not.toContain('te');
    expect(names).toContain('x-kept');
    const raw = echoed.rawHeaders as string[];
    expect(raw[raw.findIndex((n) => n.toLowerCase() === 'host') + 1]).toBe(`127.0.0.1:${upstream.port}`);
    expect(raw[raw.findIndex((n) => n.toLowerCase() === 'content-length') + 1]).toBe('3');
    await service.close?.();
  });

  it('keeps response header order, case and duplicates, decodes UTF-8 values and drops hop-by-hop ones', async () => {
    const service = createHttpService();
    const response = await ok(service, witRequest(`${upstream.url}/headers`));
    const interesting = response.headers.filter(([n]) => /^(set-cookie|x-)/i.test(n));
    expect(interesting).toEqual([
      ['Set-Cookie', 'a=1'],
      ['X-Mixed-Case', 'v'],
      ['Set-Cookie', 'b=2'],
      ['X-Utf8', 'café ✓'],
    ]);
    expect(response.headers.some(([n]) => /^(connection|transfer-encoding|keep-alive)$/i.test(n))).toBe(
      false,
    );
    await readAll(response.body.val);
    await service.close?.();
  });

  it('streams an SSE upstream: the first event arrives before the upstream sends the second', async () => {
    const service = createHttpService();
    const response = await ok(
      service,
      witRequest(`${upstream.url}/sse`, 'GET', { headers: [['accept', 'text/event-stream']] }),
    );
    expect(response.status).toBe(200);
    const iterator = response.body.val[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(Buffer.from(first.value as Uint8Array).toString()).toBe('event: one\ndata: first\n\n');
    releaseSecondEvent();
    const rest: Uint8Array[] = [];
    for (;;) {
      const step = await iterator.next();
      if (step.done) break;
      rest.push(step.value);
    }
    expect(Buffer.concat(rest).toString()).toBe('data: second\n\n');
    await service.close?.();
  });

  it('reuses pooled keep-alive connections', async () => {
    const service = createHttpService();
    const before = upstream.connections();
    for (let i = 0; i < 5; i++) {
      await readAll((await ok(service, witRequest(`${upstream.url}/echo`))).body.val);
      // The guest's next call comes after a bridge round trip; let the socket go back to the pool.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(upstream.connections() - before).toBe(1);
    await service.close?.();
  });

  it('closes the upstream response when the body is dropped unread', async () => {
    const service = createHttpService();
    const before = closedBeforeEnd;
    const response = await ok(service, witRequest(`${upstream.url}/endless`));
    await response.body.val[Symbol.asyncIterator]().return?.();
    await new Promise((r) => setTimeout(r, 100));
    expect(closedBeforeEnd).toBe(before + 1);
    await service.close?.();
  });

  it('does not follow redirects by default, and follows them with maxRedirects', async () => {
    const plain = createHttpService();
    const response = await ok(plain, witRequest(`${upstream.url}/redirect`));
    expect(response.status).toBe(302);
    expect(response.headers.find(([n]) => n.toLowerCase() === 'location')?.[1]).toBe('/echo');
    await plain.close?.();
    const following = createHttpService({ maxRedirects: 2 });
    const followed = await ok(following, witRequest(`${upstream.url}/redirect`));
    expect(followed.status).toBe(200);
    expect((await json(followed.body.val)).url).toBe('/echo');
    await following.close?.();
  });

  it('does not decompress: a gzip body arrives as sent, with its content-encoding', async () => {
    const service = createHttpService();
    const response = await ok(
      service,
      witRequest(`${upstream.url}/gzip`, 'GET', { headers: [['accept-encoding', 'gzip']] }),
    );
    expect(response.headers.find(([n]) => n.toLowerCase() === 'content-encoding')?.[1]).toBe('gzip');
    expect(Buffer.compare(await readAll(response.body.val), gzipped)).toBe(0);
    await service.close?.();
  });
});

describe('momento:http host service: errors', () => {
  const service = createHttpService({
    headersTimeoutMs: 300,
    bodyTimeoutMs: 300,
    connectTimeoutMs: 300,
    maxResponseBytes: 512 * 1024,
  });
  afterAll(async () => service.close?.());

  it.each([
    ['nope', 'relative URL without a base'],
    ['ftp://example.com/x', "unsupported scheme 'ftp'"],
    ['http://exa mple.com/', 'not a valid URL'],
    ['http://user:pw@example.com/', 'credentials in the URL'],
  ])('answers invalid-url for %s', async (url, text) => {
    const outcome = await call(service, witRequest(url));
    expect(outcome).toMatchObject({ tag: 'err', val: { tag: 'invalid-url', val: { url } } });
    expect((outcome.val as { val: { error: string } }).val.error).toContain(text);
  });

  it('answers invalid-header-name and invalid-header-value', async () => {
    expect(
      await call(service, witRequest(`${upstream.url}/echo`, 'GET', { headers: [['bad name', 'x']] })),
    ).toMatchObject({
      tag: 'err',
      val: { tag: 'invalid-header-name', val: { header: 'bad name' } },
    });
    expect(
      await call(service, witRequest(`${upstream.url}/echo`, 'GET', { headers: [['x', 'a\r\nb']] })),
    ).toMatchObject({
      tag: 'err',
      val: { tag: 'invalid-header-value', val: { value: 'a\r\nb' } },
    });
  });

  it('answers request-error for an invalid method', async () => {
    const outcome = await call(service, witRequest(`${upstream.url}/echo`, 'GE T'));
    expect(outcome).toMatchObject({ tag: 'err', val: { tag: 'request-error' } });
    expect(errText(outcome)).toContain('invalid HTTP method "GE T"');
  });

  it('answers request-error for a refused connection', async () => {
    const closed = await startUpstream({});
    const url = `${closed.url}/`;
    await closed.close();
    const outcome = await call(service, witRequest(url));
    expect(outcome).toEqual({
      tag: 'err',
      val: {
        tag: 'request-error',
        val: `error sending request for url (${url}): connection refused by 127.0.0.1:${closed.port} (is the server running?)`,
      },
    });
  });

  it('answers request-error when the response headers do not come in time', async () => {
    const outcome = await call(service, witRequest(`${upstream.url}/never`));
    expect(outcome).toEqual({
      tag: 'err',
      val: {
        tag: 'request-error',
        val: `error sending request for url (${upstream.url}/never): no response headers within 300 ms (headersTimeoutMs)`,
      },
    });
  });

  it('answers request-error when connecting (TLS handshake) takes too long', async () => {
    const sockets: Socket[] = [];
    const silent = createTcpServer((socket) => sockets.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as AddressInfo;
    const outcome = await call(service, witRequest(`https://127.0.0.1:${port}/`));
    expect(outcome).toEqual({
      tag: 'err',
      val: {
        tag: 'request-error',
        val: `error sending request for url (https://127.0.0.1:${port}/): could not connect to 127.0.0.1:${port} within 300 ms (connectTimeoutMs)`,
      },
    });
    for (const socket of sockets) socket.destroy();
    await new Promise((r) => silent.close(r));
  });

  it('fails the body read when the upstream stalls longer than bodyTimeoutMs', async () => {
    const response = await ok(service, witRequest(`${upstream.url}/stall`));
    await expect(readAll(response.body.val)).rejects.toThrow(
      `response body from ${upstream.url}/stall stalled: no data for 300 ms (bodyTimeoutMs)`,
    );
  });

  it('refuses a declared body over maxResponseBytes, and stops a streamed one at the limit', async () => {
    expect(await call(service, witRequest(`${upstream.url}/big`))).toEqual({
      tag: 'err',
      val: {
        tag: 'request-error',
        val: `response from ${upstream.url}/big declares 1048576 bytes, more than the host's maxResponseBytes (524288); raise createHttpService({ maxResponseBytes }) or ask for less`,
      },
    });
    const response = await ok(service, witRequest(`${upstream.url}/big-chunked`));
    await expect(readAll(response.body.val)).rejects.toThrow("exceeded the host's maxResponseBytes (524288)");
  });

  it('answers request-error when the invocation ends while waiting for headers', async () => {
    const controller = new AbortController();
    const pending = call(service, witRequest(`${upstream.url}/never`), context(controller.signal));
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toEqual({
      tag: 'err',
      val: {
        tag: 'request-error',
        val: `error sending request for url (${upstream.url}/never): aborted because the invocation ended`,
      },
    });
  });
});

describe('momento:http host service: outbound rules', () => {
  it('blocks private destinations with deny: ["private"], by literal address and by resolved name', async () => {
    const service = createHttpService({ deny: ['private'] });
    const literal = await call(service, witRequest(`${upstream.url}/echo`));
    expect(literal).toMatchObject({ tag: 'err', val: { tag: 'request-error' } });
    expect(errText(literal)).toBe(
      `request to ${upstream.url}/echo blocked by the host's outbound rules: address 127.0.0.1 of '127.0.0.1' matches a deny rule (change createHttpService({ allow, deny }) to permit it)`,
    );
    const named = await call(service, witRequest(`http://localhost:${upstream.port}/echo`));
    expect(errText(named)).toMatch(
      /destination blocked by the host's outbound rules: address (127\.0\.0\.1|::1) of 'localhost' matches a deny rule/,
    );
    const metadata = await call(service, witRequest('http://169.254.169.254/latest/meta-data/'));
    expect(errText(metadata)).toContain('address 169.254.169.254');
    await service.close?.();
  });

  it('blocks host names on a deny list and anything outside an allow list', async () => {
    const denyName = createHttpService({ deny: ['*.internal.example', 'localhost'] });
    expect(errText(await call(denyName, witRequest(`http://localhost:${upstream.port}/`)))).toContain(
      "host 'localhost' matches deny rule 'localhost'",
    );
    expect(errText(await call(denyName, witRequest('http://db.internal.example/')))).toContain(
      "matches deny rule '*.internal.example'",
    );
    await denyName.close?.();

    const allowOther = createHttpService({ allow: ['api.example.com'] });
    expect(errText(await call(allowOther, witRequest(`${upstream.url}/echo`)))).toContain(
      "'127.0.0.1' matches no allow rule",
    );
    await allowOther.close?.();

    const allowLoopback = createHttpService({ allow: ['127.0.0.0/8'] });
    expect((await ok(allowLoopback, witRequest(`${upstream.url}/echo`))).status).toBe(200);
    await allowLoopback.close?.();
  });

  it('rejects malformed rules when the service is created', () => {
    expect(() => createHttpService({ deny: ['10.0.0.0/99'] })).toThrow(
      "'10.0.0.0/99' is not a valid CIDR range",
    );
    expect(() => createHttpService({ allow: ['http://x'] })).toThrow("'http://x' is not a rule");
  });
});

describe('momento:http host service: AWS SigV4', () => {
  it('signs the AWS get-vanilla test vector exactly', async () => {
    const headers = await signRequest(
      { method: 'GET', url: new URL('https://example.amazonaws.com/'), headers: [], body: new Uint8Array(0) },
      { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
      'us-east-1',
      'service',
      new Date('2015-08-30T12:36:00Z'),
    );
    expect(Object.fromEntries(headers)).toEqual({
      host: 'example.amazonaws.com',
      'x-amz-date': '20150830T123600Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    });
  });

  it('sends aws-sigv4-secret requests with a signature the upstream can verify', async () => {
    const service = createHttpService();
    const response = await ok(
      service,
      witRequest(`${upstream.url}/signed?b=2&a=1`, 'POST', {
        headers: [
          ['content-type', 'application/x-amz-json-1.0'],
          ['X-Amz-Target', 'DynamoDB_20120810.GetItem'],
          ['authorization', 'guest value replaced by the signature'],
        ],
        body: { tag: 'value', val: new TextEncoder().encode('{"TableName":"t"}') },
        authorization: {
          tag: 'aws-sigv4-secret',
          val: {
            accessKeyId: 'AKIDTEST',
            secretAccessKey: 'test-secret',
            region: 'eu-west-1',
            service: 'dynamodb',
          },
        },
      }),
    );
    expect(await json(response.body.val)).toMatchObject({
      ok: true,
      region: 'eu-west-1',
      service: 'dynamodb',
      accessKeyId: 'AKIDTEST',
      token: null,
    });
    await service.close?.();
  });
});

describe('momento:http host service: federated (STS AssumeRole)', () => {
  let sts: Upstream;
  let stsCalls: { form: URLSearchParams; verified: boolean; service: string }[] = [];
  const roleArn = 'arn:aws:iam::123456789012:role/reader';
  beforeAll(async () => {
    sts = await startUpstream({
      '/': (req, res, body) => {
        const form = new URLSearchParams(body.toString('utf8'));
        const v = verifySigV4(req, body, 'host-secret');
        stsCalls.push({ form, verified: v.ok, service: v.service });
        if (form.get('RoleArn') !== roleArn) {
          res.writeHead(403, { 'content-type': 'text/xml' });
          res.end(
            '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole &amp; more</Message></Error></ErrorResponse>',
          );
          return;
        }
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(
          `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIASESSION</AccessKeyId><SecretAccessKey>test-secret</SecretAccessKey><SessionToken>session-token</SessionToken><Expiration>${new Date(Date.now() + 3600_000).toISOString()}</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>`,
        );
      },
    });
  });
  afterAll(async () => sts.close());

  it('assumes the role with the host credentials, signs with the session, and caches the session', async () => {
    stsCalls = [];
    const service = createHttpService({
      aws: {
        credentials: { accessKeyId: 'AKIDHOST', secretAccessKey: 'host-secret' },
        region: 'ap-south-1',
        stsEndpoint: `${sts.url}/`,
      },
    });
    const request = () =>
      witRequest(`${upstream.url}/signed`, 'POST', {
        body: { tag: 'value', val: new TextEncoder().encode('{}') },
        authorization: { tag: 'federated', val: { roleArn, service: 'dynamodb' } },
      });
    expect(await json((await ok(service, request())).body.val)).toMatchObject({
      ok: true,
      accessKeyId: 'ASIASESSION',
      region: 'ap-south-1',
      service: 'dynamodb',
      token: 'session-token',
    });
    expect(await json((await ok(service, request())).body.val)).toMatchObject({
      ok: true,
      token: 'session-token',
    });
    expect(stsCalls).toHaveLength(1);
    expect(stsCalls[0]?.verified).toBe(true);
    expect(stsCalls[0]?.service).toBe('sts');
    expect(Object.fromEntries(stsCalls[0]?.form ?? [])).toMatchObject({
      Action: 'AssumeRole',
      RoleArn: roleArn,
      RoleSessionName: 'momento-http-test',
    });
    await service.close?.();
  });

  it('reports STS refusals with their code and message', async () => {
    const service = createHttpService({
      aws: {
        credentials: { accessKeyId: 'AKIDHOST', secretAccessKey: 'host-secret' },
        stsEndpoint: `${sts.url}/`,
      },
    });
    const outcome = await call(
      service,
      witRequest(`${upstream.url}/signed`, 'GET', {
        authorization: { tag: 'federated', val: { roleArn: 'arn:aws:iam::1:role/other', service: 's3' } },
      }),
    );
    expect(outcome).toEqual({
      tag: 'err',
      val: {
        tag: 'request-error',
        val: "federated authorization: STS refused to let the host's credentials assume role 'arn:aws:iam::1:role/other': AccessDenied: User is not authorized to perform: sts:AssumeRole & more (check the role's trust policy names the host's principal)",
      },
    });
    await service.close?.();
  });

  it('fails with a clear request-error when the host has no AWS credentials', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    try {
      const service = createHttpService({ aws: { stsEndpoint: `${sts.url}/` } });
      const outcome = await call(
        service,
        witRequest(`${upstream.url}/signed`, 'GET', {
          authorization: { tag: 'federated', val: { roleArn, service: 'dynamodb' } },
        }),
      );
      expect(outcome).toEqual({
        tag: 'err',
        val: {
          tag: 'request-error',
          val: `federated authorization needs AWS credentials on the host to assume role '${roleArn}': pass createHttpService({ aws: { credentials } }) or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for the host`,
        },
      });
      await service.close?.();
    } finally {
      if (saved.id !== undefined) process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.secret !== undefined) process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
  });
});
