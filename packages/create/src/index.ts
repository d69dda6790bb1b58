/**
 * `@momento-functions/create`: creates a Momento Function project in TypeScript.
 *
 * From a shell: `npm create @momento-functions my-function` (add `-- --kind spawn` for a spawn
 * function). The same is `momento-functions new my-function` once the toolkit is installed.
 *
 * @example
 * import { createProject } from '@momento-functions/create';
 * await createProject({ directory: 'my-function' });
 *
 * @packageDocumentation
 */

export { CREATE_USAGE, nextSteps, runCreate } from './command.js';
export {
  type CreatedProject,
  CreateError,
  type CreateOptions,
  createProject,
  functionNameFrom,
  toolkitVersion,
} from './create.js';
export { type FunctionKind, type ScaffoldOptions, scaffoldFiles } from './scaffold.js';
