/* Matrix multiply of f32 matrices (i-k-j order), repeated. */
#include "kernel.h"
#define M 96
static float A[M][M], B[M][M], C[M][M];
KERNEL {
  for (int i = 0; i < M; i++)
    for (int j = 0; j < M; j++) { A[i][j] = (float)((i * 7 + j) % 11) * 0.5f; B[i][j] = (float)((i + j * 3) % 5) - 2.0f; }
  float check = 0;
  for (unsigned r = 0; r < n; r++) {
    for (int i = 0; i < M; i++)
      for (int j = 0; j < M; j++) C[i][j] = 0;
    for (int i = 0; i < M; i++)
      for (int k = 0; k < M; k++) {
        float aik = A[i][k];
        for (int j = 0; j < M; j++) C[i][j] += aik * B[k][j];
      }
    check += C[r % M][(r * 5) % M];
    A[r % M][r % M] += 0.125f;
  }
  return fbits(check);
}
