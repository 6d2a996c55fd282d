/*===- tests/c/run_model.c - load a compiled model from C and run it -------===*
 *
 * Built once per example against that model's generated header
 * (`plasticc --emit=header`), with -std=c11 -Wall -Werror:
 *
 *   cc -std=c11 -Wall -Werror -I include -include model.h \
 *      -DPLASTICC_PREFIX=MODEL tests/c/run_model.c -ldl -lm
 *   ./a.out model.so
 *
 * It dlopens the shared library, checks that plasticc_info() agrees with the
 * header (every global number and every quantity's kind, shape and offsets),
 * then runs 3 trials of 20 steps with tangents (deterministic inputs and
 * noise) and prints R and the norm of dR/dmeta of each trial. Any mismatch
 * or non-finite number exits non-zero with a message.
 *===----------------------------------------------------------------------===*/
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plasticc/abi.h"

#ifndef PLASTICC_PREFIX
#error "define PLASTICC_PREFIX to the model's macro prefix (e.g. RNN_POLY)"
#endif
#define CAT2(a, b) a##_##b
#define CAT(a, b) CAT2(a, b)
#define M(name) CAT(PLASTICC_PREFIX, name)

static int failures = 0;

static void expect(int ok, const char *what) {
  if (!ok) {
    fprintf(stderr, "run_model: mismatch: %s\n", what);
    ++failures;
  }
}

static const plasticc_model_info *info;
static int64_t quantityIndex = 0;

/* One entry of the header's X-macro against plasticc_info()->quantities. */
static void checkQuantity(const char *name, int kind, int rank, int64_t d0, int64_t d1,
                          int64_t offset, int64_t initOffset, int64_t tangentOffset) {
  const plasticc_quantity *q = &info->quantities[quantityIndex++];
  expect(strcmp(q->name, name) == 0, name);
  expect(q->kind == kind && q->rank == rank, "kind/rank");
  expect(q->shape[0] == d0 && q->shape[1] == d1, "shape");
  expect(q->offset == offset && q->init_offset == initOffset && q->tangent_offset == tangentOffset,
         "offsets");
}
#define CHECK_QUANTITY(name, kind, rank, d0, d1, off, init, tan) \
  checkQuantity(#name, kind, rank, d0, d1, off, init, tan);

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s MODEL.so\n", argv[0]);
    return 2;
  }
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    fprintf(stderr, "run_model: %s\n", dlerror());
    return 1;
  }
  const plasticc_model_info *(*getInfo)(void);
  void (*init)(void *, const double *, uint64_t);
  void (*beginTrial)(void *);
  void (*step)(void *, const double *, const double *);
  double (*endTrial)(void *, double *);
  *(void **)&getInfo = dlsym(lib, "plasticc_info");
  *(void **)&init = dlsym(lib, "plasticc_init");
  *(void **)&beginTrial = dlsym(lib, "plasticc_begin_trial");
  *(void **)&step = dlsym(lib, "plasticc_step");
  *(void **)&endTrial = dlsym(lib, "plasticc_end_trial");
  if (!getInfo || !init || !beginTrial || !step || !endTrial || !dlsym(lib, "plasticc_step_primal")) {
    fprintf(stderr, "run_model: %s lacks a plasticc entry point\n", argv[1]);
    return 1;
  }

  info = getInfo();
  expect(info->abi_version == PLASTICC_ABI_VERSION && info->abi_version == M(ABI_VERSION), "ABI version");
  expect(strcmp(info->model_name, M(MODEL_NAME)) == 0, "model name");
  expect(strcmp(info->source_sha256, M(SOURCE_SHA256)) == 0, "source SHA-256");
  expect(info->elem == M(ELEM), "element type");
  expect(info->num_meta == M(NUM_META) && info->tangent_lanes == M(TANGENT_LANES), "P");
  expect(info->state_bytes == M(STATE_BYTES) && info->state_align == M(STATE_ALIGN), "state size");
  expect(info->input_length == M(INPUT_LENGTH) && info->noise_length == M(NOISE_LENGTH), "vector lengths");
  expect(info->num_quantities == M(NUM_QUANTITIES), "number of quantities");
  expect(info->estimator == M(ESTIMATOR) && info->score_quantity == M(SCORE_QUANTITY), "estimator");
  if (failures)
    return 1;
  M(FOR_EACH_QUANTITY)(CHECK_QUANTITY)
  if (failures)
    return 1;

  void *state = aligned_alloc((size_t)info->state_align, (size_t)info->state_bytes);
  double *inputs = calloc((size_t)info->input_length + 1, sizeof(double));
  double *noise = calloc((size_t)info->noise_length + 1, sizeof(double));
  double *dR = calloc((size_t)info->num_meta + 1, sizeof(double));
  init(state, NULL, 1);
  for (int trial = 0; trial < 3; ++trial) {
    beginTrial(state);
    for (int t = 0; t < 20; ++t) {
      for (int64_t k = 0; k < info->input_length; ++k)
        inputs[k] = (t < 10 && k == trial % 2) ? 1.0 : (t >= 15 ? 0.5 * sin(0.3 * (double)(k + t)) : 0.0);
      for (int64_t k = 0; k < info->noise_length; ++k)
        noise[k] = sin(12.9898 * (double)(k + 1) + 78.233 * (double)(t + 1) + (double)trial);
      step(state, inputs, noise);
    }
    double R = endTrial(state, dR);
    double norm = 0;
    for (int64_t p = 0; p < info->num_meta; ++p)
      norm += dR[p] * dR[p];
    norm = sqrt(norm);
    if (!isfinite(R) || !isfinite(norm)) {
      fprintf(stderr, "run_model: non-finite R or dR in trial %d\n", trial);
      return 1;
    }
    printf("trial %d R %.6g |dR| %.6g\n", trial, R, norm);
  }
  printf("ok %s P=%lld state_bytes=%lld\n", info->model_name, (long long)info->num_meta,
         (long long)info->state_bytes);
  free(state);
  free(inputs);
  free(noise);
  free(dR);
  dlclose(lib);
  return 0;
}
