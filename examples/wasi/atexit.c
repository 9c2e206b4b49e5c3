/* exit() from deep inside the program: atexit handlers run in reverse order, buffers flush. */
#include <stdio.h>
#include <stdlib.h>

static void first(void) { printf("atexit: first registered, last run\n"); }
static void second(void) { printf("atexit: second registered, first run\n"); }

static int depth(int n) {
  if (n == 0) {
    printf("leaving from depth 10 with exit(42)\n");
    exit(42);
  }
  return depth(n - 1) + 1;
}

int main(void) {
  atexit(first);
  atexit(second);
  printf("buffered, not yet flushed");
  printf("\n");
  return depth(10);
}
