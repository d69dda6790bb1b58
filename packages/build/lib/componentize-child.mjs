// Runs componentize-js in a child process, so the parent's event loop stays free to show
// progress while wizer (started with spawnSync inside componentize-js) runs for 5–13 s.
// Protocol: the parent sends one message { sourcePath, witPath, worldName, disableFeatures,
// debugBuild, outPath }; the child answers { ok: true, imports } or { ok: false, message }.
import { writeFile } from 'node:fs/promises';
import { register } from 'node:module';

// Before anything imports preview2-shim: every import of it resolves from this package (see the hook).
register('./preview2-shim-hook.mjs', import.meta.url, { data: { parentURL: import.meta.url } });

// preview2-shim 0.26 gives WASI guests no preopens: componentize-js's WIT parser (a WASI
// component) could not read witPath without this. (Imported after the hook is registered; the
// message listener below is attached at once so the parent's request is never missed.)
const ready = import('@bytecodealliance/preview2-shim/filesystem').then(({ _setPreopens }) =>
  _setPreopens({ '/': '/' }),
);

process.once('message', async (request) => {
  try {
    await ready;
    const { componentize } = await import('@bytecodealliance/componentize-js');
    const result = await componentize({
      sourcePath: request.sourcePath,
      witPath: request.witPath,
      worldName: request.worldName,
      disableFeatures: request.disableFeatures,
      debugBuild: request.debugBuild,
    });
    await writeFile(request.outPath, result.component);
    process.send({ ok: true, imports: result.imports }, () => process.exit(0));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    process.send({ ok: false, message }, () => process.exit(0));
  }
});
