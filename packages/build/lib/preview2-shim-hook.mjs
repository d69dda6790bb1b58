// Module resolution hook for the componentize child (registered by componentize-child.mjs).
//
// componentize-js 0.23 imports @bytecodealliance/preview2-shim without declaring it: it finds
// whichever copy npm happened to hoist to the top of node_modules. In a user's project a later
// `npm install` can hoist another version (jco-std asks for ^0.25 as a peer) or none at all, and
// every build then fails with "Cannot find package '@bytecodealliance/preview2-shim'". So every
// import of it, from any package, resolves from @momento-functions/build instead, which declares
// the exact version componentize-js was tested with; the child's own preopens set-up then
// reaches the same copy componentize-js uses.
const SHIM = '@bytecodealliance/preview2-shim';

let parentURL;

export function initialize(data) {
  parentURL = data.parentURL;
}

export async function resolve(specifier, context, nextResolve) {
  if (specifier === SHIM || specifier.startsWith(`${SHIM}/`)) {
    return nextResolve(specifier, { ...context, parentURL });
  }
  return nextResolve(specifier, context);
}
