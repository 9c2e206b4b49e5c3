/**
 * @windlass/linker: AOT artifacts that link the compiled code of many modules and the
 * trampolines between them into one loadable artifact. Not implemented yet: see the README.
 */
export const LINKER_FORMAT_VERSION = 0;
