/**
 * What component artifacts expect of the runtime besides the core contract: the functions,
 * globals and memory that adapters import from it, and the trap codes they raise. The loader's
 * `component.c` implements them; the numbers and names here are the contract.
 */

/** Bit of a component instance's flags global: the instance may call out (imports, resource built-ins). */
export const MAY_LEAVE = 1;

/**
 * Trap codes of the component model, raised by the runtime function `trap(code, a, b)`; the
 * loader words them (a, b fill in the numbers). Core traps keep their codes (below 256).
 */
export const enum ComponentTrap {
  CannotEnter = 300,
  CannotLeave = 301,
  UnalignedPointer = 302,
  ReallocOutOfBounds = 303,
  StringOutOfBounds = 304,
  StringUnaligned = 305,
  ListOutOfBounds = 306,
  ListUnaligned = 307,
  InvalidDiscriminant = 308,
  InvalidChar = 309,
  ReturnUnaligned = 310,
  ReturnOutOfBounds = 311,
  ParamsUnaligned = 312,
  ParamsOutOfBounds = 313,
  InvalidUtf8 = 314,
  InvalidUtf16 = 315,
  BorrowsRemain = 316,
  UnknownHandle = 317,
  WrongHandleType = 318,
  OwnedWhileBorrowed = 319,
  NotOwned = 320,
  TableFull = 321,
}

/** The messages of the component traps (the loader prints the same words, with the numbers). */
export const COMPONENT_TRAP_MESSAGES: Record<number, string> = {
  300: 'cannot enter component instance',
  301: 'cannot leave component instance',
  302: 'unaligned pointer',
  303: 'realloc return: beyond end of memory',
  304: 'string content out-of-bounds',
  305: 'string pointer not aligned to 2',
  306: 'list content out-of-bounds',
  307: 'list pointer not aligned',
  308: 'invalid variant discriminant: discriminant {a} out of range [0..{b})',
  309: 'invalid `char` bit pattern {a}',
  310: 'return pointer not aligned',
  311: 'return pointer out of bounds',
  312: 'parameter pointer not aligned',
  313: 'parameter pointer out of bounds',
  314: 'invalid utf-8 string',
  315: 'invalid utf-16 string',
  316: 'borrow handles still remain at the end of the call',
  317: 'unknown handle index {a}',
  318: 'handle index {a} used with the wrong type, expected guest-defined resource but found a different guest-defined resource',
  319: 'cannot remove owned resource while borrowed',
  320: 'handle index {a} is a borrow, not an owned resource',
  321: 'resource table full',
};

/** Operations of the runtime's `transcode(kind, srcmem, src, len, dstmem, dst, cap) -> i64` (read << 32 | written). */
export const enum Transcode {
  /** Copies code units below 0x80 of UTF-16 as bytes until the first other one: (units read, bytes written). */
  AsciiFromUtf16 = 1,
  /** The same from Latin-1. */
  AsciiFromLatin1 = 2,
  /** Encodes every UTF-16 code unit as UTF-8 (the destination holds 3 bytes per unit): bytes written. */
  Utf16ToUtf8 = 3,
  /** Encodes Latin-1 as UTF-8 (2 bytes per byte at most): bytes written. */
  Latin1ToUtf8 = 4,
  /** Decodes UTF-8 into UTF-16 (2 bytes per byte at most): code units written. */
  Utf8ToUtf16 = 5,
  /** Widens Latin-1 to UTF-16: code units written. */
  Latin1ToUtf16 = 6,
  /** UTF-8 to Latin-1 until the first character above 0xff: (bytes read, bytes written). */
  Utf8ToLatin1 = 7,
  /** UTF-16 to Latin-1 until the first unit above 0xff: (units read, bytes written). */
  Utf16ToLatin1 = 8,
  /** In place in the destination: widens `len` Latin-1 bytes at `dst` to UTF-16. */
  InflateLatin1 = 9,
  /** In place in the destination: `len` UTF-16 units at `dst` narrowed to Latin-1 if they all fit: 1, else 0. */
  CompressUtf16 = 10,
}

/** The instance name adapters import the runtime's items under. */
export const RUNTIME_IMPORT_MODULE = 'wl';
