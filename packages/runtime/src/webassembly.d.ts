// The subset of the WebAssembly JS API the host uses. @types/node 20 does not declare it and the
// project's lib is ES2023 without DOM.
declare global {
  namespace WebAssembly {
    class Module {
      constructor(bytes: BufferSource);
    }
    class Instance {
      constructor(module: Module, imports?: Imports);
      readonly exports: Record<string, unknown>;
    }
    class Memory {
      constructor(descriptor: { initial: number; maximum?: number });
      readonly buffer: ArrayBuffer;
      grow(delta: number): number;
    }
    type Imports = Record<string, Record<string, unknown>>;
    type BufferSource = ArrayBufferView | ArrayBuffer;
    function compile(bytes: BufferSource): Promise<Module>;
  }
}

export {};
