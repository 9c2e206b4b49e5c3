/* N-body: pairwise gravitational forces and a position step over an array of structs. */
#include "kernel.h"
#define NB 64
struct body { double x, y, z, vx, vy, vz, m; };
static struct body bs[NB];
KERNEL {
  for (int i = 0; i < NB; i++) {
    bs[i].x = i * 1.5; bs[i].y = (i % 7) * 2.0 - 5; bs[i].z = (i % 3) * 0.75;
    bs[i].vx = bs[i].vy = bs[i].vz = 0; bs[i].m = 1.0 + (i % 5) * 0.1;
  }
  const double dt = 0.001;
  for (unsigned s = 0; s < n; s++) {
    for (int i = 0; i < NB; i++) {
      struct body *bi = &bs[i];
      for (int j = i + 1; j < NB; j++) {
        struct body *bj = &bs[j];
        double dx = bi->x - bj->x, dy = bi->y - bj->y, dz = bi->z - bj->z;
        double d2 = dx * dx + dy * dy + dz * dz + 0.01;
        double mag = dt / (d2 * ksqrt(d2));
        bi->vx -= dx * bj->m * mag; bi->vy -= dy * bj->m * mag; bi->vz -= dz * bj->m * mag;
        bj->vx += dx * bi->m * mag; bj->vy += dy * bi->m * mag; bj->vz += dz * bi->m * mag;
      }
    }
    for (int i = 0; i < NB; i++) { bs[i].x += dt * bs[i].vx; bs[i].y += dt * bs[i].vy; bs[i].z += dt * bs[i].vz; }
  }
  double e = 0;
  for (int i = 0; i < NB; i++) e += bs[i].x + bs[i].y * 3 + bs[i].z * 7;
  return fbits(e);
}
