/* Mandelbrot set: f64 arithmetic in registers, a data-dependent inner loop. */
#include "kernel.h"
KERNEL {
  unsigned total = 0;
  const int W = 256, H = 256;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      double cr = -2.0 + 2.5 * x / W, ci = -1.25 + 2.5 * y / H, zr = 0, zi = 0;
      unsigned it = 0;
      while (it < n && zr * zr + zi * zi <= 4.0) {
        double t = zr * zr - zi * zi + cr;
        zi = 2 * zr * zi + ci;
        zr = t;
        it++;
      }
      total += it;
    }
  return total;
}
