/* Recursion: naive Fibonacci, and the Ackermann function (deep, call-bound). */
#include "kernel.h"
static unsigned fib(unsigned k) { return k < 2 ? k : fib(k - 1) + fib(k - 2); }
static unsigned ack(unsigned m, unsigned k) {
  if (m == 0) return k + 1;
  if (k == 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, k - 1));
}
KERNEL { return fib(n) + ack(2, n * 10); }
