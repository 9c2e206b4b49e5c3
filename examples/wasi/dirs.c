/* Directories: create a tree, list it (sorted: readdir order is the file system's), remove it. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *path) {
  DIR *d = opendir(path);
  if (!d) { printf("opendir %s failed\n", path); return; }
  char *names[64];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 64)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, n, sizeof *names, cmp);
  printf("%s: %d entries\n", path, n);
  for (int i = 0; i < n; i++) {
    char full[256];
    snprintf(full, sizeof full, "%s/%s", path, names[i]);
    struct stat st;
    stat(full, &st);
    printf("  %-10s %s %lld\n", names[i], S_ISDIR(st.st_mode) ? "dir " : "file", S_ISDIR(st.st_mode) ? 0LL : (long long)st.st_size);
    free(names[i]);
  }
}

int main(void) {
  mkdir("tree", 0755);
  mkdir("tree/sub", 0755);
  for (int i = 0; i < 4; i++) {
    char p[64];
    snprintf(p, sizeof p, "tree/file%d.txt", i);
    FILE *f = fopen(p, "w");
    for (int k = 0; k <= i; k++) fputs("data\n", f);
    fclose(f);
  }
  list("tree");
  printf("mkdir existing: %s\n", mkdir("tree", 0755) == 0 ? "ok" : errno == EEXIST ? "EEXIST" : "other error");
  printf("rmdir non-empty: %s\n", rmdir("tree") == 0 ? "ok" : errno == ENOTEMPTY ? "ENOTEMPTY" : "other error");
  for (int i = 0; i < 4; i++) {
    char p[64];
    snprintf(p, sizeof p, "tree/file%d.txt", i);
    unlink(p);
  }
  rmdir("tree/sub");
  printf("rmdir emptied: %s\n", rmdir("tree") == 0 ? "ok" : "failed");
  return 0;
}
