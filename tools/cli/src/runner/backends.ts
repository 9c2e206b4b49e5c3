// The execution backends `windlass test` knows (none but the interpreter fallback yet).
export {};
