/* String handling and formatting: tokens, conversions, printf's conversions. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
  char text[] = "The quick brown fox, jumps over; the lazy dog 42 times";
  int words = 0, longest = 0;
  for (char *t = strtok(text, " ,;"); t; t = strtok(NULL, " ,;")) {
    words++;
    if ((int)strlen(t) > longest) longest = (int)strlen(t);
  }
  printf("words %d, longest %d\n", words, longest);
  printf("[%5d] [%-5d] [%05d] [%x] [%X] [%o] [%+d]\n", 42, 42, 42, 255, 255, 8, 7);
  printf("[%s] [%10s] [%-10s] [%.3s] [%c]\n", "abc", "right", "left", "truncate", 'z');
  printf("[%ld] [%lld] [%llu] [%zu]\n", -1234567L, -123456789012LL, 18446744073709551615ULL, sizeof(long long));
  printf("strtol: %ld %ld %ld\n", strtol("0x1f", NULL, 16), strtol("-777", NULL, 8), strtol("  123abc", NULL, 10));
  char buf[64];
  int n = snprintf(buf, sizeof buf, "%s-%d-%c", "snprintf", 2024, '!');
  printf("%s (%d chars)\n", buf, n);
  char up[32];
  const char *s = "Mixed Case";
  for (size_t i = 0; i <= strlen(s); i++) up[i] = (char)toupper((unsigned char)s[i]);
  printf("%s -> %s, strstr: %s, strchr: %s\n", s, up, strstr(s, "Case"), strchr(s, 'x'));
  printf("strcmp: %d %d %d\n", strcmp("a", "b") < 0, strcmp("b", "a") > 0, strcmp("same", "same"));
  return 0;
}
