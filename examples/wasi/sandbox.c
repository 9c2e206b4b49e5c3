/* What a WASI guest cannot reach: paths above or outside its preopened directory, and symbolic
   links that point out of it. Natively every one of these opens; under WASI none may. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void try_open(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd >= 0) {
    char b[16] = {0};
    ssize_t n = read(fd, b, sizeof b - 1);
    b[strcspn(b, "\n")] = 0;
    printf("%-22s OPENED (%zd bytes: %s)\n", path, n, b);
    close(fd);
  } else {
    printf("%-22s refused\n", path);
  }
}

int main(void) {
  try_open("inside.txt");
  try_open("../secret.txt");
  try_open("sub/../../secret.txt");
  try_open("/etc/passwd");
  try_open("link-out");
  try_open("sub/link-up");
  try_open("link-in");
  printf("mkdir ../escape: %s\n", mkdir("../escape", 0755) == 0 ? "CREATED" : "refused");
  return 0;
}
