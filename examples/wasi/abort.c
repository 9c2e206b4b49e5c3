/* abort(): a native program dies of SIGABRT (status 134); a wasm program traps, and
   `windlass run` exits 134 as well. */
#include <stdio.h>
#include <stdlib.h>

static int check(int x) {
  if (x > 2) {
    printf("invariant broken at %d, aborting\n", x);
    fflush(stdout);
    abort();
  }
  return x;
}

int main(void) {
  int sum = 0;
  for (int i = 0; i < 5; i++) sum += check(i);
  printf("not reached %d\n", sum);
  return 0;
}
