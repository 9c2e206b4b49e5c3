/* A C program linked with the object files Windlass compiles from examples/*.clif
   (`npm start` builds and runs it). The CLIF functions follow the System V ABI. */
#include <stdint.h>
#include <stdio.h>

int64_t gcd(int64_t a, int64_t b);
int32_t sum_to(int32_t n);
int32_t max_i32(int32_t a, int32_t b);
double abs_f64(double x);

int main(void) {
  printf("gcd(48, 18)      = %lld\n", (long long)gcd(48, 18));
  printf("gcd(1071, 462)   = %lld\n", (long long)gcd(1071, 462));
  printf("sum_to(100)      = %d\n", sum_to(100));
  printf("max_i32(-3, -7)  = %d\n", max_i32(-3, -7));
  printf("abs_f64(-2.5)    = %g\n", abs_f64(-2.5));
  return gcd(48, 18) == 6 && sum_to(100) == 5050 && max_i32(-3, -7) == -3 && abs_f64(-2.5) == 2.5 ? 0 : 1;
}
