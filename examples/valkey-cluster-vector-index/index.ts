// TypeScript port of the upstream `valkey-cluster-vector-index` example:
// indexes a batch of documents into a Momento-managed Valkey cluster as HSET hashes with a
// `vector` field (f32 little-endian bytes), creating the search index on demand. The cluster
// name comes from the `CLUSTER_NAME` configuration.
import { extract } from '@momento-functions/bytes';
import {
  env,
  environment,
  INVOCATION_ERROR_PREFIX,
  WebError,
  WebResponse,
  web,
} from '@momento-functions/guest-web';
import {
  configureLogging,
  LogConfiguration,
  LogConfigurationError,
  LogDestination,
  logger,
} from '@momento-functions/log';
import { type ClusterClient, Command, clusterClient, ValkeyError } from '@momento-functions/valkey';

interface Document {
  id: string;
  embedding: number[];
  fields: Record<string, string>;
}

const log = logger('valkey_cluster_vector_index');

/** Like the crate's `?` on an error: a 500 whose body is the Debug text. */
function fail(error: unknown): never {
  if (error instanceof ValkeyError || error instanceof LogConfigurationError) {
    throw WebError.message(INVOCATION_ERROR_PREFIX + error.debug);
  }
  throw error;
}

function ensureIndexExists(dimensions: number, client: ClusterClient): void {
  let kind: string;
  try {
    kind = client.command(Command.builder('FT.INFO').argument('document_index')).kind;
  } catch (error) {
    if (!(error instanceof ValkeyError)) throw error;
    kind = 'error';
  }
  if (kind === 'bulk' || kind === 'ok' || kind === 'simple-string') {
    log.debug('index already exists');
    return;
  }
  log.info('index does not exist or returned unexpected shape, creating it');
  client.command(
    Command.builder('FT.CREATE')
      .argument('document_index')
      .argument('SCHEMA')
      .argument('vector')
      .argument('VECTOR')
      .argument('HNSW')
      .argument('6')
      .argument('TYPE')
      .argument('FLOAT32')
      .argument('DIM')
      .argument(String(dimensions))
      .argument('DISTANCE_METRIC')
      .argument('COSINE'),
  );
  log.info('Index created successfully');
}

export default web(extract.json<{ documents: Document[] }>(), ({ documents }) => {
  try {
    configureLogging([
      new LogConfiguration(LogDestination.topic(environment().functionName)).withLogLevel('debug'),
    ]);
    log.debug(`indexing ${documents.length} documents`);
    const first = documents[0];
    if (!first) {
      log.warn('No documents provided for indexing.');
      return new WebResponse({ status: 400, body: 'No documents provided' });
    }
    const clusterName = env('CLUSTER_NAME') ?? '';
    log.debug(`Connecting to managed Valkey cluster ${clusterName}`);
    const client = clusterClient(clusterName);
    log.info('created client');

    ensureIndexExists(first.embedding.length, client);

    for (const document of documents) {
      const hset = Command.builder('HSET').argument(document.id);
      for (const [key, value] of Object.entries(document.fields)) hset.argument(key).argument(value);
      // WebAssembly is little-endian, so a Float32Array's bytes are the crate's f32::to_le_bytes.
      hset.argument('vector').argument(new Uint8Array(Float32Array.from(document.embedding).buffer));
      client.command(hset);
    }
    return new WebResponse({
      status: 200,
      body: JSON.stringify({ indexed_count: documents.length, message: 'Documents indexed successfully' }),
    });
  } catch (error) {
    return fail(error);
  }
});
