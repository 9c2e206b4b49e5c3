/* The environment the host gives: variables by name, and all of them in order. */
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(void) {
  const char *names[] = {"GREETING", "COUNT", "MISSING"};
  for (int i = 0; i < 3; i++) {
    const char *v = getenv(names[i]);
    printf("%s=%s\n", names[i], v ? v : "(unset)");
  }
  int n = 0;
  for (char **e = environ; *e; e++) n++;
  printf("%d variables\n", n);
  return getenv("COUNT") ? atoi(getenv("COUNT")) : 1;
}
