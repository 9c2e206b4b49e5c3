/* f32 saxpy and a running i64 sum over int arrays: streaming loads and stores. */
#include "kernel.h"
#define NX 8192
static float x[NX], y[NX];
static int64_t w[NX];
KERNEL {
  for (int i = 0; i < NX; i++) { x[i] = (float)(i & 255) * 0.01f; y[i] = 1.0f; w[i] = (int64_t)i * 1000003; }
  int64_t sum = 0;
  for (unsigned r = 0; r < n; r++) {
    float a = 0.5f + (float)(r & 7) * 0.001f;
    for (int i = 0; i < NX; i++) y[i] = a * x[i] + y[i] * 0.5f;
    for (int i = 0; i < NX; i++) sum += w[i] ^ (int64_t)r;
  }
  return fbits((double)y[NX / 3]) ^ (unsigned)(sum ^ (sum >> 32));
}
