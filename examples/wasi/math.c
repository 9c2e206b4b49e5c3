/* Floating point and integer arithmetic: libm functions, rounding, conversions, wraparound. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

int main(void) {
  double xs[] = {0.5, 1.0, 2.0, 10.0, 123.456};
  for (int i = 0; i < 5; i++) {
    double x = xs[i];
    printf("x=%-8g sqrt=%.9f exp=%.6e log=%.9f sin=%.9f cos=%.9f atan2=%.9f\n", x, sqrt(x), exp(x), log(x), sin(x), cos(x), atan2(x, 1.5));
  }
  printf("pow(2, 0.5)=%.15f cbrt(27)=%g hypot(3,4)=%g fmod(7.5,2)=%g\n", pow(2, 0.5), cbrt(27.0), hypot(3, 4), fmod(7.5, 2));
  printf("floor/ceil/trunc/round/rint of -2.5: %g %g %g %g %g\n", floor(-2.5), ceil(-2.5), trunc(-2.5), round(-2.5), rint(-2.5));
  float f = 1.0f / 3.0f;
  printf("float 1/3 = %.9g, as double %.17g\n", f, (double)f);
  printf("int conversions: %d %d %u\n", (int)3.99, (int)-3.99, (unsigned)(uint8_t)300);
  uint32_t u = 0xffffffffu;
  int64_t big = INT64_MAX;
  printf("wraparound: %u %lld %llu\n", u + 2, (long long)(big / -3), (unsigned long long)((uint64_t)big * 3));
  printf("division: %lld %lld %d %d\n", (long long)(-7LL / 2), (long long)(-7LL % 2), 7 / -2, 7 % -2);
  printf("isnan(0/0)=%d isinf(1/0)=%d signbit(-0.0)=%d\n", isnan(NAN), isinf(1.0 / 0.0 > 0 ? INFINITY : 0), signbit(-0.0) != 0);
  double acc = 0;
  for (int i = 1; i <= 1000000; i++) acc += 1.0 / ((double)i * i);
  printf("sum 1/n^2 (10^6 terms) = %.12f (pi^2/6 = %.12f)\n", acc, M_PI * M_PI / 6);
  return 0;
}
