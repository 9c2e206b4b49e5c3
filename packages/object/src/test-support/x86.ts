// Hand-assembled x86-64 functions (System V ABI) used by the object tests, with their
// relocations and unwind rows. Encodings from the Intel SDM, checked with `objdump -d`.
import type { FunctionBody } from '../module';

/** int add(int a, int b): mov eax, edi; add eax, esi; ret */
export const ADD: FunctionBody = { bytes: new Uint8Array([0x89, 0xf8, 0x01, 0xf0, 0xc3]) };

/**
 * int call_twice(int x) { return c_helper(add(x, x)) + x; }
 *   0: push rbx          3: mov esi, edi     10: mov edi, eax     17: add eax, ebx    20: ret
 *   1: mov ebx, edi      5: call add         12: call c_helper    19: pop rbx
 */
export const CALL_TWICE: FunctionBody = {
  bytes: new Uint8Array([
    0x53, 0x89, 0xfb, 0x89, 0xfe, 0xe8, 0, 0, 0, 0, 0x89, 0xc7, 0xe8, 0, 0, 0, 0, 0x01, 0xd8, 0x5b, 0xc3,
  ]),
  relocs: [
    { offset: 6, kind: 'X86CallPLTRel4', target: { kind: 'symbol', name: 'add' }, addend: -4 },
    { offset: 13, kind: 'X86CallPLTRel4', target: { kind: 'symbol', name: 'c_helper' }, addend: -4 },
  ],
  unwind: {
    rows: [
      { offset: 1, op: { kind: 'def_cfa_offset', offset: 16 } },
      { offset: 1, op: { kind: 'offset', reg: 3, cfaOffset: -16 } },
      { offset: 20, op: { kind: 'def_cfa_offset', offset: 8 } },
      { offset: 20, op: { kind: 'restore', reg: 3 } },
    ],
  },
};

/** int get_answer(void): mov eax, [rip + answer]; ret */
export const GET_ANSWER: FunctionBody = {
  bytes: new Uint8Array([0x8b, 0x05, 0, 0, 0, 0, 0xc3]),
  relocs: [{ offset: 2, kind: 'X86PCRel4', target: { kind: 'symbol', name: 'answer' }, addend: -4 }],
};

/** int bump(void): mov eax, [rip + counter]; add eax, 1; mov [rip + counter], eax; ret */
export const BUMP: FunctionBody = {
  bytes: new Uint8Array([0x8b, 0x05, 0, 0, 0, 0, 0x83, 0xc0, 0x01, 0x89, 0x05, 0, 0, 0, 0, 0xc3]),
  relocs: [
    { offset: 2, kind: 'X86PCRel4', target: { kind: 'symbol', name: 'counter' }, addend: -4 },
    { offset: 11, kind: 'X86PCRel4', target: { kind: 'symbol', name: 'counter' }, addend: -4 },
  ],
};

/** int load_c_global(void): mov rax, [rip + c_global@GOTPCREL]; mov eax, [rax]; ret */
export const LOAD_C_GLOBAL: FunctionBody = {
  bytes: new Uint8Array([0x48, 0x8b, 0x05, 0, 0, 0, 0, 0x8b, 0x00, 0xc3]),
  relocs: [{ offset: 3, kind: 'X86RexGOTPCRelX4', target: { kind: 'symbol', name: 'c_global' }, addend: -4 }],
};

/**
 * void copy4(void *dst, const void *src) { memcpy(dst, src, 4); }, memcpy as a libcall:
 *   0: sub rsp, 8   4: mov edx, 4   9: call memcpy   14: add rsp, 8   18: ret
 */
export const COPY4: FunctionBody = {
  bytes: new Uint8Array([0x48, 0x83, 0xec, 0x08, 0xba, 0x04, 0, 0, 0, 0xe8, 0, 0, 0, 0, 0x48, 0x83, 0xc4, 0x08, 0xc3]),
  relocs: [{ offset: 10, kind: 'X86CallPLTRel4', target: { kind: 'libcall', name: 'memcpy' }, addend: -4 }],
  unwind: {
    rows: [
      { offset: 4, op: { kind: 'def_cfa_offset', offset: 16 } },
      { offset: 18, op: { kind: 'def_cfa_offset', offset: 8 } },
    ],
  },
};

/**
 * void gen_b(void) { c_stop(); }, no frame pointer:
 *   0: sub rsp, 24   4: call c_stop   9: add rsp, 24   13: ret
 */
export const GEN_B: FunctionBody = {
  bytes: new Uint8Array([0x48, 0x83, 0xec, 0x18, 0xe8, 0, 0, 0, 0, 0x48, 0x83, 0xc4, 0x18, 0xc3]),
  relocs: [{ offset: 5, kind: 'X86CallPLTRel4', target: { kind: 'symbol', name: 'c_stop' }, addend: -4 }],
  unwind: {
    rows: [
      { offset: 4, op: { kind: 'def_cfa_offset', offset: 32 } },
      { offset: 13, op: { kind: 'def_cfa_offset', offset: 8 } },
    ],
  },
};

/**
 * void gen_a(void) { gen_b(); }, saving rbx and clobbering rbp so only CFI can unwind it:
 *   0: push rbx   1: push rbp   2: xor ebp, ebp   4: sub rsp, 8   8: call gen_b
 *  13: add rsp, 8   17: pop rbp   18: pop rbx   19: ret
 */
export const GEN_A: FunctionBody = {
  bytes: new Uint8Array([
    0x53, 0x55, 0x31, 0xed, 0x48, 0x83, 0xec, 0x08, 0xe8, 0, 0, 0, 0, 0x48, 0x83, 0xc4, 0x08, 0x5d, 0x5b, 0xc3,
  ]),
  relocs: [{ offset: 9, kind: 'X86CallPLTRel4', target: { kind: 'symbol', name: 'gen_b' }, addend: -4 }],
  unwind: {
    rows: [
      { offset: 1, op: { kind: 'def_cfa_offset', offset: 16 } },
      { offset: 1, op: { kind: 'offset', reg: 3, cfaOffset: -16 } },
      { offset: 2, op: { kind: 'def_cfa_offset', offset: 24 } },
      { offset: 2, op: { kind: 'offset', reg: 6, cfaOffset: -24 } },
      { offset: 8, op: { kind: 'def_cfa_offset', offset: 32 } },
      { offset: 17, op: { kind: 'def_cfa_offset', offset: 24 } },
      { offset: 18, op: { kind: 'def_cfa_offset', offset: 16 } },
      { offset: 18, op: { kind: 'restore', reg: 6 } },
      { offset: 19, op: { kind: 'def_cfa_offset', offset: 8 } },
      { offset: 19, op: { kind: 'restore', reg: 3 } },
    ],
  },
};

/**
 * int tls_inc(void) { return ++gen_tls; } with the general-dynamic TLS sequence (x86-64 TLS ABI):
 *   0: sub rsp, 8   4: data16 lea rdi, [rip + gen_tls@TLSGD]   12: data16 data16 rex.W call __tls_get_addr
 *  20: add dword [rax], 1   23: mov eax, [rax]   25: add rsp, 8   29: ret
 */
export const TLS_INC: FunctionBody = {
  bytes: new Uint8Array([
    0x48, 0x83, 0xec, 0x08, 0x66, 0x48, 0x8d, 0x3d, 0, 0, 0, 0, 0x66, 0x66, 0x48, 0xe8, 0, 0, 0, 0,
    0x83, 0x00, 0x01, 0x8b, 0x00, 0x48, 0x83, 0xc4, 0x08, 0xc3,
  ]),
  relocs: [
    { offset: 8, kind: 'ElfX86_64TlsGd', target: { kind: 'symbol', name: 'gen_tls' }, addend: -4 },
    { offset: 16, kind: 'X86CallPLTRel4', target: { kind: 'libcall', name: '__tls_get_addr' }, addend: -4 },
  ],
};
