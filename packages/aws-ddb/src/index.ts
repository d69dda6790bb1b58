/**
 * `@momento-functions/aws-ddb`: DynamoDB GetItem/PutItem through the host's warm AWS channel
 * (`momento:aws-ddb/aws-ddb@1.0.0`), with items in DynamoDB's typed JSON.
 *
 * @example
 * ```ts
 * import { attr, credentialsProvider, DynamoDBClient } from '@momento-functions/aws-ddb';
 * const ddb = new DynamoDBClient(credentialsProvider({ federated: { roleArn } }, 'us-west-2'));
 * ddb.putItem('users', { pk: attr.s('user-1') });
 * ```
 * @packageDocumentation
 */
export {
  AuthError,
  type Authorization,
  type Credentials,
  CredentialsProvider,
  credentialsProvider,
  type IamRole,
  provider,
} from '@momento-functions/aws-auth';
export {
  type Capacity,
  type Condition,
  type ConsumedCapacity,
  DdbError,
  type DdbErrorCase,
  DdbJsonError,
  DynamoDBClient,
  GetItemError,
  type GetItemOptions,
  type GetItemOutput,
  type ItemDecoder,
  type PutItemOptions,
  type PutItemOutput,
} from './client.js';
export {
  type AttributeValue,
  asBigInt,
  asBoolean,
  asBytes,
  asInteger,
  asNumber,
  asString,
  attr,
  attributeTypeName,
  BinaryConversionError,
  base64Decode,
  base64Encode,
  ConversionError,
  type Item,
  type Key,
  type KeyValue,
  NumericConversionError,
  type ParseIntErrorKind,
} from './types.js';
