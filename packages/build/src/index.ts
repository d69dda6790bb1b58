export {
  type BuildOptions,
  type BuildReport,
  type BuildResult,
  build,
  DISABLED_FEATURES,
  type EngineGap,
  progressLines,
} from './build.js';
export { type CommandIO, formatReport, runBuildCommand } from './cli.js';
export type { BuildProgress } from './componentize.js';
export { BuildError } from './errors.js';
export { type ComponentInterfaces, inspectComponent } from './inspect.js';
export { defaultFunctionName, defaultOutFile } from './naming.js';
export { type TypecheckResult, type TypeDiagnostic, typecheck } from './typecheck.js';
export { EXPORTED_INTERFACE, type FunctionKind } from './wit.js';
