// One web function with a route per cell of the Data producer × consumer matrix
// (tests/data-matrix/data-matrix.test.ts): the path is `<producer>/<consumer>`. Every producer
// yields a `Data` holding the same payload; every consumer takes that `Data` as it is, with no
// extractor and no conversion, the way the guides write it.
import { credentialsProvider } from '@momento-functions/aws-auth';
import { S3Client } from '@momento-functions/aws-s3';
import { Data } from '@momento-functions/bytes';
import { get, listPopFront, set } from '@momento-functions/cache';
import { environment, json, rawStream, sse, WebResponse, web } from '@momento-functions/guest-web';
import { invoke, Request } from '@momento-functions/http';
import { publishBytes } from '@momento-functions/topic';
import { clusterClient } from '@momento-functions/valkey';

const TTL = 60_000;

function upstream(): string {
  const url = environment().header('x-upstream');
  if (!url) throw new Error('x-upstream header missing');
  return url;
}

function s3(): S3Client {
  return new S3Client(
    credentialsProvider(
      { hardcoded: { accessKeyId: 'AKIDGUEST', secretAccessKey: 'guest-secret' } },
      'us-west-2',
    ),
  );
}

function produce(producer: string, request: Data): Data {
  switch (producer) {
    case 'request':
      return request;
    case 'user':
      // A user's own bytes, wrapped by the user.
      return Data.from(new TextEncoder().encode(environment().header('x-payload') ?? ''));
    case 'cache-get': {
      const value = get('source');
      if (value === undefined) throw new Error('cache key `source` is missing');
      return value;
    }
    case 'list-pop': {
      const popped = listPopFront('source-list');
      if (popped === undefined) throw new Error('list `source-list` is empty');
      return popped.value;
    }
    case 'http':
      return invoke(new Request(`${upstream()}/produce`, 'GET')).body;
    case 's3': {
      const object = s3().get('test-bucket', 'source');
      if (object === undefined) throw new Error('s3 object `source` is missing');
      return object.body;
    }
    case 'valkey-bulk': {
      const reply = clusterClient('main').command('LRANGE', 'source-list', 0, 0);
      if (reply.kind !== 'bulk') throw new Error(`LRANGE answered ${reply.kind}`);
      const first = reply.value.next();
      if (first.done || first.value.kind !== 'data') throw new Error('LRANGE gave no bulk string');
      reply.value.close();
      return first.value.value;
    }
    case 'valkey-get': {
      const reply = clusterClient('main').get('source');
      if (reply.kind !== 'data') throw new Error(`GET answered ${reply.kind}`);
      return reply.value;
    }
    default:
      throw new Error(`unknown producer ${producer}`);
  }
}

export default web((request) => {
  const [producer = '', consumer = ''] = environment().pathSegments;
  if (producer === 'seed-valkey') {
    const client = clusterClient('main');
    client.command('DEL', 'source-list');
    client.command('RPUSH', 'source-list', request);
    client.set('source', environment().header('x-payload') ?? '');
    return 'seeded';
  }
  const data = produce(producer, request);
  // What the guest saw before handing the Data over: a host buffer must still be one.
  const onHost = data.isOnHost;
  switch (consumer) {
    case 'return':
      return data;
    case 'constructor':
      return new WebResponse({ status: 200, headers: [['x-cache', 'hit']], body: data });
    case 'with-body':
      return new WebResponse().header('x-on-host', String(onHost)).withBody(data);
    case 'cache-set':
      set('sink', data, TTL);
      return json({ onHost });
    case 'http': {
      const answer = invoke(new Request(`${upstream()}/consume`, 'POST').withBody(data));
      return json({ onHost, status: answer.status });
    }
    case 'topic':
      publishBytes('sink', data);
      return json({ onHost });
    case 's3':
      s3().put('test-bucket', 'sink', data);
      return json({ onHost });
    case 'valkey':
      clusterClient('main').set('sink', data);
      return json({ onHost });
    case 'sse':
      sse().send({ event: onHost ? 'on-host' : 'inline', data });
      return undefined;
    case 'raw':
      rawStream(200, [['x-on-host', String(onHost)]]).send(data);
      return undefined;
    case 'copied':
      // The control: read into the guest, then sent. The host-side checks must see it.
      return Data.from(data.bytes());
    default:
      throw new Error(`unknown consumer ${consumer}`);
  }
});
