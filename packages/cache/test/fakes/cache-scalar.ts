import { hostFunction } from './host.js';

const I = 'momento:cache-scalar/cache-scalar@1.0.0';
export const get = hostFunction(I, 'get');
export const getWithHash = hostFunction(I, 'getWithHash');
export const set = hostFunction(I, 'set');
export const setIf = hostFunction(I, 'setIf');
export const setIfHash = hostFunction(I, 'setIfHash');
const delete_ = hostFunction(I, 'delete');

export { delete_ as delete };
