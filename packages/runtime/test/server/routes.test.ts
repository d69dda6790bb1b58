import { describe, expect, it } from 'vitest';
import { matchRoute } from '../../src/server/routes.js';

describe('matchRoute', () => {
  it('routes any method on /functions/<cache>/<function> with the remainder as the path', () => {
    for (const method of ['GET', 'POST', 'HEAD', 'OPTIONS', 'PROPFIND']) {
      expect(matchRoute(method, '/functions/demo/ping/a/b/c/d/e')).toEqual({
        type: 'momento',
        cache: 'demo',
        function: 'ping',
        path: '/a/b/c/d/e',
      });
    }
    expect(matchRoute('POST', '/functions/demo/ping')).toMatchObject({ path: '/' });
    expect(matchRoute('POST', '/functions/demo/ping/')).toMatchObject({ path: '/' });
    expect(matchRoute('POST', '/functions/demo')).toMatchObject({ type: 'error', status: 404 });
  });

  it('accepts the five invoke methods with up to three custom levels', () => {
    for (const method of ['POST', 'GET', 'PUT', 'PATCH', 'DELETE']) {
      expect(matchRoute(method, '/spaces/s/functions/f/invoke/stock/market/today')).toEqual({
        type: 'invoke',
        cache: 's',
        function: 'f',
        path: '/stock/market/today',
      });
    }
    expect(matchRoute('GET', '/spaces/s/functions/f/invoke')).toMatchObject({ type: 'invoke', path: '/' });
    expect(matchRoute('GET', '/spaces/s/functions/f/invoke/a')).toMatchObject({ path: '/a' });
  });

  it('answers 405 with Allow for other methods and 404 for four or more levels', () => {
    const head = matchRoute('HEAD', '/spaces/s/functions/f/invoke');
    expect(head).toMatchObject({
      type: 'error',
      status: 405,
      allow: ['POST', 'GET', 'PUT', 'PATCH', 'DELETE'],
    });
    expect(head.type === 'error' && head.message).toContain('HEAD is not allowed');
    const deep = matchRoute('GET', '/spaces/s/functions/f/invoke/a/b/c/d');
    expect(deep).toMatchObject({ type: 'error', status: 404 });
    expect(deep.type === 'error' && deep.message).toContain('at most 3');
  });

  it('async-invoke takes POST only, same depth rule', () => {
    expect(matchRoute('POST', '/spaces/s/functions/f/async-invoke/x/y')).toEqual({
      type: 'async-invoke',
      cache: 's',
      function: 'f',
      path: '/x/y',
    });
    expect(matchRoute('GET', '/spaces/s/functions/f/async-invoke')).toMatchObject({
      status: 405,
      allow: ['POST'],
    });
    expect(matchRoute('POST', '/spaces/s/functions/f/async-invoke/a/b/c/d')).toMatchObject({ status: 404 });
  });

  it('decodes names but keeps the invocation path as sent', () => {
    expect(matchRoute('GET', '/spaces/my%20space/functions/f%2Dx/invoke/a%2Fb')).toEqual({
      type: 'invoke',
      cache: 'my space',
      function: 'f-x',
      path: '/a%2Fb',
    });
  });

  it('routes spawn and admin, and says what exists for unknown paths', () => {
    expect(matchRoute('POST', '/spaces/s/functions/w/spawn')).toEqual({
      type: 'spawn',
      cache: 's',
      function: 'w',
    });
    expect(matchRoute('GET', '/spaces/s/functions/w/spawn')).toMatchObject({ status: 405 });
    expect(matchRoute('POST', '/spaces/s/functions/w/frobnicate')).toMatchObject({ status: 404 });
    expect(matchRoute('GET', '/_momento/dead-letters')).toEqual({ type: 'admin', action: 'dead-letters' });
    expect(matchRoute('POST', '/_momento/dead-letters/abc/retry')).toEqual({
      type: 'admin',
      action: 'dead-letter-retry',
      id: 'abc',
    });
    expect(matchRoute('DELETE', '/_momento/dead-letters/abc')).toMatchObject({
      action: 'dead-letter-delete',
    });
    const nothing = matchRoute('GET', '/');
    expect(nothing).toMatchObject({ type: 'error', status: 404 });
    expect(nothing.type === 'error' && nothing.message).toContain('/functions/<cache>/<function>');
  });
});
