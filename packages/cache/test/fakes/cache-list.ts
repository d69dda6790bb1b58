import { hostFunction } from './host.js';

const I = 'momento:cache-list/cache-list@1.0.0';
export const listPushFront = hostFunction(I, 'listPushFront');
export const listPushBack = hostFunction(I, 'listPushBack');
export const listPopFront = hostFunction(I, 'listPopFront');
export const listPopBack = hostFunction(I, 'listPopBack');
export const listErase = hostFunction(I, 'listErase');
export const listRemove = hostFunction(I, 'listRemove');
export const listFetch = hostFunction(I, 'listFetch');
export const listLength = hostFunction(I, 'listLength');
export const listConcatenateFront = hostFunction(I, 'listConcatenateFront');
export const listConcatenateBack = hostFunction(I, 'listConcatenateBack');
export const listRetain = hostFunction(I, 'listRetain');
