// Runs componentize-js in a child process, so the parent's event loop stays free to show
// progress while wizer (started with spawnSync inside componentize-js) runs for 5–13 s.
// Protocol: the parent sends one message { sourcePath, witPath, worldName, disableFeatures,
// debugBuild, outPath }; the child answers { ok: true, imports } or { ok: false, message }.
import { writeFile } from 'node:fs/promises';
// preview2-shim 0.26 gives WASI guests no preopens: componentize-js's WIT parser (a WASI
// component) could not read witPath without this.
import { _setPreopens } from '@bytecodealliance/preview2-shim/filesystem';

_setPreopens({ '/': '/' });

process.once('message', async (request) => {
  try {
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
