/* use_model.c: a C program using a compiled model through plasticc/abi.h
 * only (tests/install/run.sh builds it against an installed plasticc, with
 * pkg-config and with find_package). It runs one trial of network 2, then
 * writes network 2's drawn quantities (weights, and the value of the state
 * x) into network 1, calls plasticc_set_trial_start, and checks that
 * network 1 now runs network 2's trial bit for bit. Exit code 0 and
 * "use_model: ok" on success, 1 and a reason otherwise. */
#include <plasticc/abi.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *why) {
  fprintf(stderr, "use_model: %s\n", why);
  return 1;
}

static void *newState(const plasticc_model_info *info) {
  size_t align = (size_t)info->state_align;
  size_t bytes = ((size_t)info->state_bytes + align - 1) / align * align;
  return aligned_alloc(align, bytes);
}

/* R of one trial of 20 steps with fixed inputs and noise. */
static double trial(const plasticc_model_info *info, void *state) {
  double in[64] = {0}, noise[64] = {0};
  plasticc_begin_trial(state);
  for (int t = 0; t < 20; ++t) {
    for (int k = 0; k < info->input_length && k < 64; ++k)
      in[k] = (t >= 5 && t < 10) ? 1.0 : 0.0;
    for (int k = 0; k < info->noise_length && k < 64; ++k)
      noise[k] = 0.1 * (double)((3 * t + k) % 7) - 0.3;
    plasticc_step(state, in, noise);
  }
  return plasticc_end_trial(state, NULL);
}

/* Copies quantity q's value from one state to the other. */
static void copyValue(const plasticc_model_info *info, const plasticc_quantity *q, const void *from,
                      void *to) {
  size_t elem = info->elem == PLASTICC_F64 ? sizeof(double) : sizeof(float);
  size_t bytes = (size_t)(q->shape[0] * q->shape[1]) * elem;
  memcpy((char *)to + q->offset, (const char *)from + q->offset, bytes);
}

int main(void) {
  const plasticc_model_info *info = plasticc_info();
  if (info->abi_version != PLASTICC_ABI_VERSION)
    return fail("ABI version differs from the header's");
  if (info->input_length > 64 || info->noise_length > 64)
    return fail("model too large for this test (compile it with -D N=8)");
  void *one = newState(info), *two = newState(info);
  if (!one || !two)
    return fail("out of memory");
  plasticc_init(two, NULL, 2);
  double want = trial(info, two);
  plasticc_init(two, NULL, 2); /* network 2 as drawn, to copy from */
  plasticc_init(one, NULL, 1);
  for (int64_t k = 0; k < info->num_quantities; ++k) {
    const plasticc_quantity *q = &info->quantities[k];
    if (q->kind == PLASTICC_WEIGHT || (q->kind == PLASTICC_STATE && strcmp(q->name, "x") == 0))
      copyValue(info, q, two, one);
  }
  plasticc_set_trial_start(one);
  double got = trial(info, one);
  printf("model %s, P = %lld: R of network 2 %.17g, of network 1 set to it %.17g\n",
         info->model_name, (long long)info->num_meta, want, got);
  if (got != want)
    return fail("network 1 set from network 2 does not run network 2's trial");
  free(one);
  free(two);
  printf("use_model: ok\n");
  return 0;
}
