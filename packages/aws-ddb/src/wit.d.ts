/**
 * TypeScript shape of `momento:aws-ddb/aws-ddb@1.0.0` as componentize-js 0.23 hands it to
 * JavaScript. Exists only inside a component.
 */
declare module 'momento:aws-ddb/aws-ddb@1.0.0' {
  import type { WitData } from '@momento-functions/bytes';

  export type DdbError =
    | { tag: 'unauthorized'; val: string }
    | { tag: 'malformed'; val: string }
    | { tag: 'other'; val: string };
  export type KeyValue = { tag: 's'; val: string } | { tag: 'n'; val: string } | { tag: 'b'; val: string };
  export interface KeyAttribute {
    name: string;
    value: KeyValue;
  }
  export type Item = { tag: 'json'; val: WitData };
  export interface Conditional {
    expression: string;
    expressionAttributeNames: [string, string][] | undefined;
    expressionAttributeValues: Item | undefined;
  }
  export type ReturnConsumedCapacity = { tag: 'none' } | { tag: 'total' } | { tag: 'indexes' };
  export type ReturnValues = { tag: 'none' } | { tag: 'all-old' };
  export interface Capacity {
    capacityUnits: number | undefined;
    readCapacityUnits: number | undefined;
    writeCapacityUnits: number | undefined;
  }
  export interface ConsumedCapacity extends Capacity {
    tableName: string;
    table: Capacity | undefined;
    localSecondaryIndexes: [string, Capacity][] | undefined;
    globalSecondaryIndexes: [string, Capacity][] | undefined;
  }
  export interface PutItemRequest {
    tableName: string;
    item: Item;
    returnValues: ReturnValues;
    returnConsumedCapacity: ReturnConsumedCapacity;
    condition: Conditional | undefined;
  }
  export interface PutItemOutput {
    attributes: Item | undefined;
    consumedCapacity: ConsumedCapacity | undefined;
  }
  export interface GetItemRequest {
    tableName: string;
    key: KeyAttribute[];
    consistentRead: boolean;
    returnConsumedCapacity: ReturnConsumedCapacity;
    projectionExpression: string | undefined;
    expressionAttributeNames: [string, string][] | undefined;
  }
  export interface GetItemOutput {
    item: Item | undefined;
    consumedCapacity: ConsumedCapacity | undefined;
  }
  export class Client {
    /** `credentials` is the `credentials-provider` handle of momento:aws-auth. */
    constructor(credentials: object);
    putItem(request: PutItemRequest): PutItemOutput;
    getItem(request: GetItemRequest): GetItemOutput;
  }
}
