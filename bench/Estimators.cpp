//===- bench/Estimators.cpp - variance and cost of the two meta-gradients -===//
//
// plasticc-bench-estimators [N] [M]: the pathwise and the score-function
// estimators of dJ/dtheta (docs/model.md) on the reference model
// (examples/rnn_poly.plast at N units, d = 3, P = 16), cue_delay_response,
// K = 10 trials of T = 50 steps, at node perturbation (theta[1,1] = 1). The
// same M networks (seeds, so the same weights, trials and noise) run under
// both models; per meta scalar it prints the mean of each estimator, its
// standard deviation over networks and the ratio of their variances, for
// the score estimator with the leave-one-out baseline (plasticc-meta's
// default), without a baseline, and without the causal (reward-to-go)
// form. Then the cost of one network's lifetime with tangents in each mode
// and without tangents, medians of 5 paired runs in this process. Prints
// Markdown (BENCHMARKS.md "Estimators"; bench/run.sh appends it).
//
//===----------------------------------------------------------------------===//
#include "compiler/frontend/Parser.h"
#include "compiler/frontend/Sema.h"
#include "compiler/lowering/LowerToDialect.h"
#include "compiler/transforms/Tangent.h"
#include "runtime/jit/JIT.h"
#include "runtime/meta/BackendPool.h"
#include "runtime/meta/ModelBinding.h"
#include "runtime/meta/Network.h"
#include "runtime/meta/ScoreFunction.h"
#include "runtime/meta/Seeds.h"
#include "runtime/meta/Statistics.h"
#include "runtime/tasks/Task.h"
#include "runtime/tasks/TaskGenerator.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>

using namespace plasticc;

namespace {

std::shared_ptr<ir::Module> compile(int n, ir::Estimator estimator) {
  std::ifstream in(PLASTICC_SOURCE_DIR "/examples/rnn_poly.plast");
  std::stringstream text;
  text << in.rdbuf();
  std::string source = std::regex_replace(text.str(), std::regex(R"(dim N = 128)"),
                                          "dim N = " + std::to_string(n));
  auto file = std::make_shared<SourceFile>("rnn_poly.plast", source);
  std::ostringstream diagText;
  DiagnosticEngine diag(file, diagText);
  auto ast = parseSource(*file, diag);
  if (!ast || !checkModule(*ast, diag) || diag.hasErrors()) {
    std::fprintf(stderr, "%s", diagText.str().c_str());
    std::exit(1);
  }
  std::shared_ptr<ir::Module> m = lowerToDialect(*ast);
  if (!transforms::computeTangents(*m, diag, {}, estimator)) {
    std::fprintf(stderr, "%s", diagText.str().c_str());
    std::exit(1);
  }
  return m;
}

meta::BackendPool::Factory jit(std::shared_ptr<ir::Module> m) {
  return [m]() -> std::unique_ptr<runtime::Backend> {
    std::string error;
    auto model = runtime::jitCompile(*m, "rnn_poly", codegen::NativeOptions{}, error);
    if (!model) {
      std::fprintf(stderr, "%s\n", error.c_str());
      std::exit(1);
    }
    return model;
  };
}

struct Side {
  meta::BackendPool pool;
  std::optional<meta::ModelBinding> binding;
  tasks::TaskGenerator gen;
  meta::NetworkRunner runner;
  Side(std::shared_ptr<ir::Module> m, const tasks::Task &task)
      : pool(jit(std::move(m))), binding(bind(pool, task)), gen(task, 0),
        runner(pool, *binding, gen) {}
  static std::optional<meta::ModelBinding> bind(meta::BackendPool &pool, const tasks::Task &t) {
    std::string err;
    auto b = meta::ModelBinding::make(pool.info(), t, err);
    if (!b) {
      std::fprintf(stderr, "%s\n", err.c_str());
      std::exit(1);
    }
    return b;
  }
};

double seconds(const std::function<void()> &f) {
  auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

int main(int argc, char **argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 128;
  const int64_t M = argc > 2 ? std::atoll(argv[2]) : 64, K = 10;
  std::string err;
  auto task = tasks::loadTask(PLASTICC_SOURCE_DIR "/examples/tasks/cue_delay_response.toml", err);
  if (!task) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return 1;
  }
  Side path(compile(n, ir::Estimator::Pathwise), *task);
  Side score(compile(n, ir::Estimator::Score), *task);
  const int64_t P = path.binding->metaScalars();
  std::vector<double> theta(static_cast<size_t>(P), 0.0);
  theta[5] = 1.0; // theta[1,1]: node perturbation
  meta::NetworkOptions opt;
  opt.trials = K;
  auto wsP = path.runner.workspace(0), wsS = score.runner.workspace(0);
  std::vector<meta::NetworkResult> a, b, twin, mirrored;
  meta::NetworkOptions second = opt, flipped = opt;
  second.noiseStream = 1;
  flipped.mirrorNoise = true;
  for (int64_t i = 0; i < M; ++i) {
    uint64_t seed = meta::networkSeed(11, meta::SeedDomain::Training, 0, static_cast<uint64_t>(i));
    a.push_back(path.runner.run(seed, theta.data(), opt, *wsP));
    b.push_back(score.runner.run(seed, theta.data(), opt, *wsS));
    twin.push_back(score.runner.run(seed, theta.data(), second, *wsS));
    mirrored.push_back(score.runner.run(seed, theta.data(), flipped, *wsS));
  }
  std::vector<const meta::NetworkResult *> nets, paired, mirror;
  for (size_t i = 0; i < b.size(); ++i)
    if (!b[i].divergence && !twin[i].divergence && !a[i].divergence && !mirrored[i].divergence) {
      nets.push_back(&b[i]);
      paired.push_back(&b[i]);
      paired.push_back(&twin[i]);
      mirror.push_back(&b[i]);
      mirror.push_back(&mirrored[i]);
    }
  meta::ScoreOptions loo, none, acausal;
  none.baseline = meta::ScoreOptions::Baseline::None;
  acausal.baseline = meta::ScoreOptions::Baseline::None;
  acausal.causal = false;
  auto sLoo = meta::scoreFunctionGradients(nets, loo);
  auto sNone = meta::scoreFunctionGradients(nets, none);
  auto sAcausal = meta::scoreFunctionGradients(nets, acausal);
  meta::ScoreOptions pairs;
  pairs.baseline = meta::ScoreOptions::Baseline::Pairs;
  auto sPairs = meta::scoreFunctionGradients(paired, pairs);
  meta::ScoreOptions mirrorOpt;
  mirrorOpt.baseline = meta::ScoreOptions::Baseline::Mirror;
  auto sMirror = meta::scoreFunctionGradients(mirror, mirrorOpt);

  std::printf("## Estimators: variance and cost of one meta-gradient\n\n");
  std::printf("`plasticc-bench-estimators %d %lld` (bench/Estimators.cpp): examples/rnn_poly.plast "
              "at N = %d, P = %lld, cue_delay_response, K = %lld trials of T = 50 steps, at node "
              "perturbation (theta[1,1] = 1, eta = 0.05); the same %zu networks (weights, trials, "
              "noise) under both estimators. Per meta scalar: the mean estimate +- its standard "
              "error, and the standard deviation over networks (the spread one network's "
              "estimate has). Score estimator: plasticc-meta's default (causal reward to go, "
              "leave-one-out baseline over the networks), then without the baseline, then "
              "without the causal form (every trial's score weighs the whole lifetime's "
              "reward), and with paired rollouts (each network learns twice under "
              "independent noise; each rollout's baseline is the other's reward to go; twice "
              "the cost), and with mirrored rollouts (the same network under noise xi and -xi, "
              "no baseline; twice the cost).\n\n",
              n, static_cast<long long>(M), n, static_cast<long long>(P), static_cast<long long>(K),
              nets.size());
  std::printf("| meta | pathwise: mean +- s.e. | sd | score: mean +- s.e. | sd | sd ratio | sd, "
              "no baseline | sd, not causal | sd, pairs | sd, mirror |\n"
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
  double sumVarP = 0, sumVarS = 0, sumVarPairs = 0, sumVarMirror = 0;
  for (int64_t p = 0; p < P; ++p) {
    std::vector<double> gp, gs, gn, ga, gq, gm;
    for (size_t i = 0; i < nets.size(); ++i) {
      gp.push_back(a[i].grad[p]); // (networks where all three completed: all of them here)
      gs.push_back(sLoo[i][p]);
      gn.push_back(sNone[i][p]);
      ga.push_back(sAcausal[i][p]);
      gq.push_back(sPairs[i][p]);
      gm.push_back(sMirror[i][p]);
    }
    auto sd = [](const meta::MeanSem &m) { return m.sem * std::sqrt(static_cast<double>(m.n)); };
    meta::MeanSem mp = meta::meanSem(gp), ms = meta::meanSem(gs), mn = meta::meanSem(gn),
                  ma = meta::meanSem(ga), mq = meta::meanSem(gq), mm = meta::meanSem(gm);
    sumVarP += sd(mp) * sd(mp);
    sumVarS += sd(ms) * sd(ms);
    sumVarPairs += sd(mq) * sd(mq);
    sumVarMirror += sd(mm) * sd(mm);
    std::printf("| %s | %.3g +- %.2g | %.3g | %.3g +- %.2g | %.3g | %.0f | %.3g | %.3g | %.3g | "
                "%.3g |\n",
                path.binding->metaScalarName(p).c_str(), mp.mean, mp.sem, sd(mp), ms.mean, ms.sem,
                sd(ms), sd(ms) / sd(mp), sd(mn), sd(ma), sd(mq), sd(mm));
  }
  // Cost: one lifetime per mode, paired and interleaved, medians of 5.
  meta::NetworkOptions primal = opt;
  primal.tangents = false;
  uint64_t seed = meta::networkSeed(11, meta::SeedDomain::Training, 0, 0);
  std::vector<double> tp, ts, t0;
  for (int rep = 0; rep < 5; ++rep) {
    tp.push_back(seconds([&] { path.runner.run(seed, theta.data(), opt, *wsP); }));
    ts.push_back(seconds([&] { score.runner.run(seed, theta.data(), opt, *wsS); }));
    t0.push_back(seconds([&] { path.runner.run(seed, theta.data(), primal, *wsP); }));
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  double cp = median(tp), cs = median(ts), c0 = median(t0);
  std::printf("\nSum over meta scalars of the variance per network: pathwise %.3g, score %.3g "
              "(ratio %.0f); with paired rollouts %.3g per network (ratio %.0f, at twice the "
              "cost: %.0f in variance x cost); with mirrored rollouts %.3g (ratio %.0f; %.0f in "
              "variance x cost).\n\n",
              sumVarP, sumVarS, sumVarS / sumVarP, sumVarPairs, sumVarPairs / sumVarP,
              2 * sumVarPairs / sumVarP, sumVarMirror, sumVarMirror / sumVarP,
              2 * sumVarMirror / sumVarP);
  std::printf("Cost of one network's lifetime (K = %lld, T = 50), medians of 5 interleaved "
              "runs on one core: pathwise %.3f s, score %.3f s, no tangents %.3f s; score / "
              "pathwise = %.2f. For equal standard error the score estimator needs about %.0f "
              "times the networks, so it costs about %.0f times the pathwise one where the "
              "pathwise one applies; it is the estimator for rewards without a pathwise "
              "gradient (a choice).\n",
              static_cast<long long>(K), cp, cs, c0, cs / cp, sumVarS / sumVarP,
              sumVarS / sumVarP * cs / cp);
  return 0;
}
