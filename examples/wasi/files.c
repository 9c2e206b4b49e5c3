/* Files in the working directory (a preopened directory under WASI): create, write, append,
   seek, read back, stat, rename, remove. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
  FILE *f = fopen("notes.txt", "w");
  if (!f) { perror("fopen w"); return 1; }
  for (int i = 1; i <= 5; i++) fprintf(f, "line %d: %s\n", i, i % 2 ? "odd" : "even");
  fclose(f);
  f = fopen("notes.txt", "a");
  fputs("appended line\n", f);
  fclose(f);
  struct stat st;
  if (stat("notes.txt", &st) != 0) { perror("stat"); return 1; }
  printf("size after append: %lld bytes\n", (long long)st.st_size);
  f = fopen("notes.txt", "r+");
  fseek(f, 5, SEEK_SET);
  fputc('#', f);
  fseek(f, 0, SEEK_SET);
  char line[128];
  int n = 0;
  while (fgets(line, sizeof line, f)) printf("%d| %s", ++n, line);
  fseek(f, -14, SEEK_END);
  long at = ftell(f);
  printf("last 14 bytes start at %ld: %s", at, fgets(line, sizeof line, f));
  fclose(f);
  if (rename("notes.txt", "renamed.txt") != 0) { perror("rename"); return 1; }
  printf("notes.txt exists: %s, renamed.txt exists: %s\n", access("notes.txt", F_OK) == 0 ? "yes" : "no", access("renamed.txt", F_OK) == 0 ? "yes" : "no");
  if (unlink("renamed.txt") != 0) { perror("unlink"); return 1; }
  printf("after unlink: %s\n", access("renamed.txt", F_OK) == 0 ? "still there" : "gone");
  FILE *missing = fopen("does-not-exist.txt", "r");
  printf("opening a missing file: %s\n", missing ? "opened?!" : strerror(errno));
  return 0;
}
