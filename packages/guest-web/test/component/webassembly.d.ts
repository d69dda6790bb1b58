// The few WebAssembly globals the test harness uses (lib "ES2023" without DOM does not declare them).
declare namespace WebAssembly {
  class Module {
    constructor(bytes: BufferSource);
  }
  let promising: ((f: unknown) => unknown) | undefined;
}
