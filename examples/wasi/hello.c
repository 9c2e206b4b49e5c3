/* Arguments and formatted output: prints its arguments (not argv[0], which differs by host). */
#include <stdio.h>

int main(int argc, char **argv) {
  printf("hello, %d argument%s\n", argc - 1, argc == 2 ? "" : "s");
  for (int i = 1; i < argc; i++) printf("  argv[%d] = \"%s\" (%zu bytes)\n", i, argv[i], __builtin_strlen(argv[i]));
  return 0;
}
