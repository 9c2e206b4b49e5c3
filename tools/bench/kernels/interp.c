/* An interpreter loop: a small stack-machine bytecode dispatched through a switch. */
#include "kernel.h"
enum { PUSH, LOAD, STORE, ADD, SUB, MUL, JNZ, DUP, XOR, SHR, HALT };
static const int prog[] = {
  PUSH, 0, STORE, 1,          /* acc = 0 */
  LOAD, 0, STORE, 2,          /* i = n */
  /* loop (pc 8): */
  LOAD, 1, LOAD, 2, ADD, PUSH, 73244475, MUL, DUP, PUSH, 13, SHR, XOR, STORE, 1,
  LOAD, 2, PUSH, 1, SUB, DUP, STORE, 2, JNZ, 8,
  LOAD, 1, HALT,
};
static int vars[4];
static int stack[64];
KERNEL {
  vars[0] = (int)n;
  int sp = 0, pc = 0;
  for (;;) {
    int op = prog[pc++];
    switch (op) {
    case PUSH: stack[sp++] = prog[pc++]; break;
    case LOAD: stack[sp++] = vars[prog[pc++]]; break;
    case STORE: vars[prog[pc++]] = stack[--sp]; break;
    case ADD: sp--; stack[sp - 1] += stack[sp]; break;
    case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
    case MUL: sp--; stack[sp - 1] = (int)((unsigned)stack[sp - 1] * (unsigned)stack[sp]); break;
    case XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
    case SHR: sp--; stack[sp - 1] = (int)((unsigned)stack[sp - 1] >> stack[sp]); break;
    case DUP: stack[sp] = stack[sp - 1]; sp++; break;
    case JNZ: { int t = prog[pc++]; if (stack[--sp] != 0) pc = t; break; }
    default: return (unsigned)stack[sp - 1];
    }
  }
}
