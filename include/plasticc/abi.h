/*===- plasticc/abi.h - the C ABI of a compiled plasticc model ------------===*
 *
 * A model compiled by plasticc (a shared library `plasticc FILE -o model.so`,
 * an object `-c`, or the same code JIT-compiled in-process) exports exactly
 * the nine entry points below, and describes itself through plasticc_info():
 * ABI version, model name, SHA-256 of its source, P, how many bytes of state
 * the caller allocates (with which alignment), the lengths of the per-step
 * input and noise vectors, and one entry per declared quantity with its
 * offsets in the state. `plasticc --emit=header` writes a per-model header
 * with the same numbers as macros.
 *
 * State layout: one caller-allocated buffer of state_bytes bytes, aligned to
 * state_align. Each quantity's block (value; states also their trial-start
 * copy; quantities with a tangent its P lanes, lane-major: element k of lane
 * p at p * numel + k) starts at a multiple of 64 bytes. Elements are double
 * (elem PLASTICC_F64) or float (PLASTICC_F32, `plasticc --fp32`); the
 * caller's vectors (meta, inputs, noise, dR/dmeta) are always double.
 *
 * Noise: each noise quantity says what its elements are drawn from
 * (noise_dist, noise_param), each element independently at every step; the
 * caller draws them (plasticc-meta does, from its seeds) or supplies any
 * values it likes.
 *
 * What a caller may write, and when. Between plasticc_init (or
 * plasticc_end_trial) and the next plasticc_begin_trial, a caller may write
 * the values of params, weights and baselines, and the values of states
 * followed by plasticc_set_trial_start (below); it may write a state's
 * trial-start copy (init_offset) directly, which sets exactly what the next
 * trials start from. Meta parameters are set through plasticc_init's `meta`.
 * Traces, outputs and tangent lanes are the model's: begin_trial and step
 * overwrite them. A write to a state's value alone is lost at the next
 * plasticc_begin_trial, which restores every state from its trial-start
 * copy; a write to a start copy alone leaves the states initialised from
 * that state (`state xbar[N] = x`) starting from the old value. During a
 * trial (between begin_trial and end_trial) a caller should only read.
 *
 * Compiles as C11 and C++17 with -Wall -Werror.
 *===----------------------------------------------------------------------===*/
#ifndef PLASTICC_ABI_H
#define PLASTICC_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Version of this header's structures; a loader refuses any other. */
#define PLASTICC_ABI_VERSION 5

/** What a declared quantity is (the DSL keyword of the same name). */
typedef enum plasticc_kind {
  PLASTICC_META = 0,
  PLASTICC_PARAM = 1,
  PLASTICC_INPUT = 2,
  PLASTICC_NOISE = 3,
  PLASTICC_STATE = 4,
  PLASTICC_WEIGHT = 5,
  PLASTICC_TRACE = 6,
  PLASTICC_BASELINE = 7,
  PLASTICC_OUTPUT = 8
} plasticc_kind;

/** Which meta-gradient the tangents serve (docs/tangents.md "Estimators"). */
typedef enum plasticc_estimator {
  PLASTICC_PATHWISE = 0, /**< dR/dmeta of end_trial is the gradient of the sampled reward */
  PLASTICC_SCORE = 1     /**< sampled states are data; the score quantity's tangent lanes
                              hold the trial's score, sum_t (xi_t / s) . dmu_t/dmeta */
} plasticc_estimator;

/** The distribution of a noise quantity's elements (the DSL's `noise x[N] = ...`). */
typedef enum plasticc_noise_dist {
  PLASTICC_NOISE_NORMAL = 0,    /**< Normal(mean noise_param[0], variance noise_param[1]) */
  PLASTICC_NOISE_UNIFORM = 1,   /**< Uniform on [noise_param[0], noise_param[1]) */
  PLASTICC_NOISE_BERNOULLI = 2  /**< 1 with probability noise_param[0], else 0 */
} plasticc_noise_dist;

/** Element type of the state. */
typedef enum plasticc_elem { PLASTICC_F64 = 0, PLASTICC_F32 = 1 } plasticc_elem;

/** One declared quantity. */
typedef struct plasticc_quantity {
  const char *name;
  int32_t kind;           /**< plasticc_kind */
  int32_t elem;           /**< plasticc_elem (inputs and noise: always PLASTICC_F64) */
  int32_t rank;           /**< 0 scalar, 1 vector, 2 matrix (row-major [post, pre]) */
  int32_t noise_dist;     /**< noise: plasticc_noise_dist; else 0 */
  int64_t shape[2];       /**< shape[k] for k < rank, else 1 */
  int64_t offset;         /**< bytes into the state; for input/noise: element offset in that vector */
  int64_t init_offset;    /**< states: bytes to the trial-start copy; else -1 */
  int64_t tangent_offset; /**< bytes to the P tangent lanes; -1 without a tangent */
  double noise_param[2];  /**< noise: the distribution's parameters; else {0, 1} */
} plasticc_quantity;

/** The model descriptor returned by plasticc_info(). */
typedef struct plasticc_model_info {
  uint32_t abi_version;   /**< PLASTICC_ABI_VERSION */
  int32_t elem;           /**< plasticc_elem of the state */
  const char *model_name;
  const char *source_sha256; /**< 64 lowercase hex digits */
  int64_t num_meta;       /**< P: meta scalars (length of meta and of dR/dmeta) */
  int64_t tangent_lanes;  /**< P if compiled with tangents, else 0 */
  int64_t state_bytes;    /**< bytes of state the caller allocates */
  int64_t state_align;    /**< alignment of that buffer in bytes */
  int64_t input_length;   /**< doubles per step in `inputs` */
  int64_t noise_length;   /**< doubles per step in `noise` */
  int64_t num_quantities;
  const plasticc_quantity *quantities;
  int32_t estimator;      /**< plasticc_estimator the tangents were made for */
  int32_t score_quantity; /**< PLASTICC_SCORE: index in `quantities` of the scalar trace whose
                               P tangent lanes hold the score of the trial so far (read it after
                               plasticc_end_trial; begin_trial zeroes it); else -1 */
  int64_t output_length;  /**< doubles per step in run_trial's `outputs`: every output
                               quantity's elements, in declaration order */
} plasticc_model_info;

/** The descriptor of this model (static storage). */
const plasticc_model_info *plasticc_info(void);
/** Draws a network from `seed`: zeroes the state, sets params, meta (the
 *  declared defaults when meta is NULL, else meta[0..num_meta)), weights and
 *  the states' trial-start values; tangents start at zero. */
void plasticc_init(void *state, const double *meta, uint64_t seed);
/** Makes the states' current values what every following trial starts
 *  from, as if plasticc_init had drawn them: first each state whose
 *  initialiser reads states or weights and draws nothing (`state xbar[N] =
 *  x`, `state r0[N] = tanh(x)`) is computed again, in declaration order,
 *  from their current values (and the params'); then every state's value
 *  is copied to its trial-start copy. Other states (initialised by a
 *  constant, a draw, or params alone) keep the values the caller wrote.
 *  It takes every state's current value: after a trial those are the
 *  trial's end values, so to change one state only, first copy the other
 *  states' trial-start copies back into their values (as the Python
 *  package's Network.set does). Tangents are not touched. */
void plasticc_set_trial_start(void *state);
/** Starts a trial: restores states, resets traces, zeroes the tangents of
 *  states, traces and outputs (weights and baselines keep theirs). */
void plasticc_begin_trial(void *state);
/** One time step with its tangents; inputs: input_length doubles, noise:
 *  noise_length doubles (each may be NULL when its length is 0). */
void plasticc_step(void *state, const double *inputs, const double *noise);
/** One time step without tangents (tangents are left untouched). */
void plasticc_step_primal(void *state, const double *inputs, const double *noise);
/** Ends a trial: runs the reward event, returns R and, when dR_dmeta is not
 *  NULL, writes dR/dmeta (num_meta doubles; zeros without tangents). */
double plasticc_end_trial(void *state, double *dR_dmeta);
/** A whole trial in one call: begin_trial, `steps` steps with tangents and
 *  end_trial, with the results of those calls made one by one (to rounding:
 *  the order of some sums differs; docs/codegen.md "Whole-trial
 *  schedule"). inputs holds steps *
 *  input_length doubles (step t's at t * input_length), noise steps *
 *  noise_length; each may be NULL when its length is 0. outputs, when not
 *  NULL, receives after each step t every output quantity's values at
 *  outputs[t * output_length ...] (steps * output_length doubles). Returns
 *  R and writes dR/dmeta as end_trial does. Under the whole-trial schedule
 *  its scratch (the buffers of a segment of steps: about 2 MiB for the
 *  reference model at N = 256, 4 MiB at N = 512; --emit=loops says how
 *  much) is allocated on the heap for the call and does not grow with
 *  `steps`; otherwise it calls the step. */
double plasticc_run_trial(void *state, const double *inputs, const double *noise, int64_t steps,
                          double *outputs, double *dR_dmeta);
/** plasticc_run_trial with plasticc_step_primal's steps (tangents untouched
 *  during the steps; the reward event as end_trial). */
double plasticc_run_trial_primal(void *state, const double *inputs, const double *noise,
                                 int64_t steps, double *outputs, double *dR_dmeta);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PLASTICC_ABI_H */
