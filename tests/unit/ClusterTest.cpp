//===- tests/unit/ClusterTest.cpp - networks spread over ranks ------------===//
//
// What MPI runs rely on (docs/runtime.md "MPI"), tested without MPI: the
// split of a loop's indices into shares, the exact byte encoding of a
// network's result (every double back bit for bit: NaN payloads, -0,
// infinities), agreement on stopping, and, with ranks simulated by threads
// that exchange buffers, that training and evaluation on 2 or 3 ranks give
// every rank the result of one process bit for bit.
//
//===----------------------------------------------------------------------===//
#include "MetaRig.h"

#include "runtime/meta/Cluster.h"
#include "runtime/meta/Distributed.h"
#include "runtime/meta/Evaluation.h"
#include "runtime/meta/MetaLearner.h"
#include "runtime/meta/ResultCodec.h"

#include <gtest/gtest.h>

#include <barrier>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <thread>

using namespace plasticc;
using namespace plasticc::meta;
using namespace plasticc::testing;

namespace {

/// R ranks as threads of one process: allGather through shared slots and
/// a barrier, as MPI's would deliver them.
class ThreadRanks {
public:
  explicit ThreadRanks(int ranks) : slots_(static_cast<size_t>(ranks)), sync_(ranks) {}

  class Rank final : public Cluster {
  public:
    Rank(ThreadRanks &all, int rank) : all_(all), rank_(rank) {}
    int rank() const override { return rank_; }
    int size() const override { return static_cast<int>(all_.slots_.size()); }
    std::vector<std::string> allGather(const std::string &mine) const override {
      all_.slots_[static_cast<size_t>(rank_)] = mine;
      all_.sync_.arrive_and_wait(); // every slot written
      std::vector<std::string> out = all_.slots_;
      all_.sync_.arrive_and_wait(); // every slot read before the next call writes
      return out;
    }
    void barrier() const override { all_.sync_.arrive_and_wait(); }
    void abandon(int) const override { std::abort(); }

  private:
    ThreadRanks &all_;
    int rank_;
  };

  /// Runs fn(cluster) on every rank at once; returns when all are done.
  template <typename Fn> void run(Fn fn) {
    std::vector<std::thread> threads;
    for (int r = 0; r < static_cast<int>(slots_.size()); ++r)
      threads.emplace_back([this, r, &fn] {
        Rank me(*this, r);
        fn(static_cast<const Cluster &>(me));
      });
    for (auto &t : threads)
      t.join();
  }

private:
  std::vector<std::string> slots_;
  std::barrier<> sync_;
};

/// Bit-for-bit equality of doubles (NaN == NaN with the same payload).
bool sameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool sameBits(const std::vector<double> &a, const std::vector<double> &b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!sameBits(a[i], b[i]))
      return false;
  return true;
}

double nanWithPayload(uint64_t payload) {
  uint64_t bits = 0x7ff8000000000000ULL | payload;
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

/// A result with every field set, and awkward doubles in every place.
NetworkResult awkwardResult() {
  NetworkResult n;
  n.seed = 0xfedcba9876543210ULL;
  for (int k = 0; k < 3; ++k) {
    TrialRecord t;
    t.modelReward = k == 0 ? -0.0 : 1.0 / 3.0 + k;
    t.penalty = k == 1 ? std::numeric_limits<double>::denorm_min() : 0.25;
    t.score.reward = k == 2 ? -std::numeric_limits<double>::infinity() : -0.1 * k;
    t.score.mse = nanWithPayload(0x1234 + k);
    t.score.mae = 1e308;
    t.score.choice = k - 1;
    t.score.correct = k == 1;
    t.dR = {0.1, -0.0, nanWithPayload(7)};
    if (k == 1)
      t.noiseScore = {3.5, 1e-300, -2.0};
    n.trials.push_back(t);
  }
  n.meanReward = -1.0 / 7.0;
  n.meanPenalty = std::numeric_limits<double>::infinity();
  n.meanTaskReward = nanWithPayload(99);
  n.grad = {1e-17, -3.0, 0.0};
  n.divergence = Divergence{2, "dW[3,17]/dtheta[1,1]", nanWithPayload(1), 1e3, 37, 1024};
  return n;
}

void expectSame(const NetworkResult &a, const NetworkResult &b) {
  EXPECT_EQ(a.seed, b.seed);
  ASSERT_EQ(a.trials.size(), b.trials.size());
  for (size_t k = 0; k < a.trials.size(); ++k) {
    const TrialRecord &x = a.trials[k], &y = b.trials[k];
    EXPECT_TRUE(sameBits(x.modelReward, y.modelReward)) << k;
    EXPECT_TRUE(sameBits(x.penalty, y.penalty)) << k;
    EXPECT_TRUE(sameBits(x.score.reward, y.score.reward)) << k;
    EXPECT_TRUE(sameBits(x.score.mse, y.score.mse)) << k;
    EXPECT_TRUE(sameBits(x.score.mae, y.score.mae)) << k;
    EXPECT_EQ(x.score.choice, y.score.choice) << k;
    EXPECT_EQ(x.score.correct, y.score.correct) << k;
    EXPECT_TRUE(sameBits(x.dR, y.dR)) << k;
    EXPECT_TRUE(sameBits(x.noiseScore, y.noiseScore)) << k;
  }
  EXPECT_TRUE(sameBits(a.meanReward, b.meanReward));
  EXPECT_TRUE(sameBits(a.meanPenalty, b.meanPenalty));
  EXPECT_TRUE(sameBits(a.meanTaskReward, b.meanTaskReward));
  EXPECT_TRUE(sameBits(a.grad, b.grad));
  ASSERT_EQ(a.divergence.has_value(), b.divergence.has_value());
  if (a.divergence) {
    EXPECT_EQ(a.divergence->trial, b.divergence->trial);
    EXPECT_EQ(a.divergence->what, b.divergence->what);
    EXPECT_TRUE(sameBits(a.divergence->value, b.divergence->value));
    EXPECT_TRUE(sameBits(a.divergence->bound, b.divergence->bound));
    EXPECT_EQ(a.divergence->over, b.divergence->over);
    EXPECT_EQ(a.divergence->elements, b.divergence->elements);
  }
}

MetaConfig training(int threads, const Cluster *cluster) {
  MetaConfig c;
  c.iterations = 3;
  c.batch = 5;
  c.trials = 3;
  c.threads = threads;
  c.cluster = cluster;
  c.seed = 77;
  c.adam.lr = 0.05;
  return c;
}

/// Trains as training() says on its own rig; returns the end state.
TrainingState train(MetaConfig c) {
  Rig rig(loadShipped("cue_delay_response"), referenceModel(8, 2));
  MetaLearner learner(rig.runner, c);
  TrainingState s = learner.initialState({0.05, 0, 0, 0.05});
  TrainingObserver quiet;
  std::string why;
  EXPECT_EQ(learner.train(s, quiet, why), MetaLearner::Status::Completed) << why;
  return s;
}

void expectSameState(const TrainingState &a, const TrainingState &b) {
  EXPECT_TRUE(sameBits(a.meta, b.meta));
  EXPECT_TRUE(sameBits(a.adam.m, b.adam.m));
  EXPECT_TRUE(sameBits(a.adam.v, b.adam.v));
  ASSERT_EQ(a.history.size(), b.history.size());
  for (size_t i = 0; i < a.history.size(); ++i) {
    EXPECT_TRUE(sameBits(a.history[i].J, b.history[i].J)) << i;
    EXPECT_TRUE(sameBits(a.history[i].grad, b.history[i].grad)) << i;
  }
}

} // namespace

TEST(Cluster, SharesAreContiguousBalancedAndCoverEveryIndexOnce) {
  for (int64_t n : {0, 1, 2, 5, 7, 16, 101})
    for (int ranks : {1, 2, 3, 4, 8}) {
      int64_t next = 0;
      for (int r = 0; r < ranks; ++r) {
        IndexRange s = shareOf(n, r, ranks);
        EXPECT_EQ(s.begin, next) << n << " over " << ranks << ", rank " << r;
        EXPECT_GE(s.size(), n / ranks);
        EXPECT_LE(s.size(), n / ranks + 1);
        next = s.end;
      }
      EXPECT_EQ(next, n) << n << " over " << ranks;
    }
  // The first n mod R ranks run one more: 7 over 3 is 3, 2, 2.
  EXPECT_EQ(shareOf(7, 0, 3).size(), 3);
  EXPECT_EQ(shareOf(7, 1, 3).begin, 3);
  EXPECT_EQ(shareOf(7, 2, 3).size(), 2);
}

TEST(Cluster, ANetworkResultRoundTripsBitForBit) {
  NetworkResult a = awkwardResult();
  NetworkResult plain; // no trials, no divergence, empty vectors
  plain.seed = 3;
  std::string bytes;
  encodeResult(a, bytes);
  encodeResult(plain, bytes);
  size_t pos = 0;
  NetworkResult back, backPlain;
  ASSERT_TRUE(decodeResult(bytes, pos, back));
  ASSERT_TRUE(decodeResult(bytes, pos, backPlain));
  EXPECT_EQ(pos, bytes.size());
  expectSame(a, back);
  expectSame(plain, backPlain);
  EXPECT_FALSE(backPlain.divergence);
}

TEST(Cluster, TruncatedOrForeignBytesAreRefused) {
  std::string bytes;
  encodeResult(awkwardResult(), bytes);
  for (size_t cut : {size_t(0), size_t(3), size_t(20), bytes.size() / 2, bytes.size() - 1}) {
    size_t pos = 0;
    NetworkResult r;
    EXPECT_FALSE(decodeResult(bytes.substr(0, cut), pos, r)) << "cut at " << cut;
  }
  std::string foreign = bytes;
  foreign[0] ^= 0x55; // not a record's tag
  size_t pos = 0;
  NetworkResult r;
  EXPECT_FALSE(decodeResult(foreign, pos, r));
}

TEST(Cluster, RanksAgreeOnTheFirstRankThatStops) {
  for (int stopping : {-1, 0, 2}) {
    ThreadRanks ranks(3);
    std::vector<RankStatus> seen(3);
    ranks.run([&](const Cluster &c) {
      int code = c.rank() == stopping ? 2 : c.rank() == 1 && stopping == 2 ? 1 : -1;
      seen[static_cast<size_t>(c.rank())] =
          agree(c, code, "rank " + std::to_string(c.rank()) + " says why");
    });
    for (const RankStatus &s : seen) {
      if (stopping < 0) {
        EXPECT_EQ(s.code, -1);
        continue;
      }
      // With rank 2 stopping, rank 1 stops too (code 1) and, lower, wins.
      EXPECT_EQ(s.rank, stopping == 0 ? 0 : 1);
      EXPECT_EQ(s.code, stopping == 0 ? 2 : 1);
      EXPECT_EQ(s.message, "rank " + std::to_string(s.rank) + " says why");
    }
  }
}

TEST(Cluster, EveryRankGetsEveryResultInIndexOrder) {
  for (int R : {2, 3}) {
    ThreadRanks ranks(R);
    std::vector<std::vector<NetworkResult>> got(static_cast<size_t>(R));
    std::vector<std::vector<int64_t>> ran(static_cast<size_t>(R));
    ranks.run([&](const Cluster &c) {
      auto &mine = ran[static_cast<size_t>(c.rank())];
      got[static_cast<size_t>(c.rank())] = runNetworks(c, 1, 7, [&](int64_t i, int) {
        mine.push_back(i);
        NetworkResult n;
        n.seed = static_cast<uint64_t>(100 + i);
        n.grad = {static_cast<double>(i) / 3.0};
        return n;
      });
    });
    size_t total = 0;
    for (int r = 0; r < R; ++r) {
      total += ran[static_cast<size_t>(r)].size();
      IndexRange s = shareOf(7, r, R);
      EXPECT_EQ(ran[static_cast<size_t>(r)].front(), s.begin); // only its own share
      EXPECT_EQ(ran[static_cast<size_t>(r)].back(), s.end - 1);
      ASSERT_EQ(got[static_cast<size_t>(r)].size(), 7u);
      for (int64_t i = 0; i < 7; ++i) {
        EXPECT_EQ(got[static_cast<size_t>(r)][static_cast<size_t>(i)].seed,
                  static_cast<uint64_t>(100 + i));
        EXPECT_EQ(got[static_cast<size_t>(r)][static_cast<size_t>(i)].grad[0],
                  static_cast<double>(i) / 3.0);
      }
    }
    EXPECT_EQ(total, 7u); // each network ran once, on one rank
  }
}

TEST(Cluster, TrainingOnRanksEqualsOneProcessBitForBit) {
  const TrainingState one = train(training(1, nullptr));
  for (int R : {2, 3}) {
    ThreadRanks ranks(R);
    std::vector<TrainingState> states(static_cast<size_t>(R));
    ranks.run([&](const Cluster &c) {
      states[static_cast<size_t>(c.rank())] = train(training(2, &c));
    });
    for (const TrainingState &s : states)
      expectSameState(one, s);
  }
  EXPECT_NE(one.meta, (std::vector<double>{0.05, 0, 0, 0.05})); // it did learn
}

TEST(Cluster, EvolutionStrategiesOnRanksEqualsOneProcessBitForBit) {
  MetaConfig c = training(1, nullptr);
  c.evolutionSigma = 0.1;
  const TrainingState one = train(c);
  ThreadRanks ranks(3);
  std::vector<TrainingState> states(3);
  ranks.run([&](const Cluster &cl) {
    MetaConfig mine = c;
    mine.cluster = &cl;
    states[static_cast<size_t>(cl.rank())] = train(mine);
  });
  for (const TrainingState &s : states)
    expectSameState(one, s);
}

TEST(Cluster, EvaluationOnRanksEqualsOneProcessBitForBit) {
  auto evaluate = [](const Cluster *cluster) {
    Rig rig(loadShipped("cue_delay_response"), referenceModel(8, 2));
    EvalConfig e;
    e.seeds = 5;
    e.trials = 3;
    e.tuneNetworks = 3;
    e.tune.grid = {0.5, 2};
    e.tune.refine = 2;
    e.cluster = cluster;
    Evaluator ev(rig.runner, e);
    Rule r{"rule", "", {0.05, 0, 0, 0.05}};
    r.tune = true;
    return ev.evaluateAll({r, noPlasticity(ev.defaultMeta())});
  };
  const std::vector<RuleResult> one = evaluate(nullptr);
  ThreadRanks ranks(2);
  std::vector<std::vector<RuleResult>> got(2);
  ranks.run([&](const Cluster &c) { got[static_cast<size_t>(c.rank())] = evaluate(&c); });
  for (const auto &results : got) {
    ASSERT_EQ(results.size(), one.size());
    for (size_t i = 0; i < one.size(); ++i) {
      EXPECT_TRUE(sameBits(results[i].scale, one[i].scale));
      EXPECT_TRUE(sameBits(results[i].perNetwork, one[i].perNetwork));
      EXPECT_TRUE(sameBits(results[i].curve, one[i].curve));
    }
  }
  EXPECT_TRUE(one[0].tuning); // the sweep ran through the ranks too
}

TEST(Cluster, ARecordTakesTheBytesBenchmarksMdModels) {
  // BENCHMARKS.md "MPI": a network of K trials with P lanes of dR and of
  // the score, and P of grad, takes 53 + 8P + K (61 + 8 dR + 8 score)
  // bytes (pathwise: 53 + 8P + K (61 + 8P); es and evaluation: 53 + 61K).
  for (size_t P : {size_t(0), size_t(4), size_t(16)})
    for (size_t K : {size_t(1), size_t(10)})
      for (bool score : {false, true}) {
        NetworkResult n;
        n.grad.assign(P, 0.5);
        TrialRecord t;
        t.dR.assign(P, 1.0);
        if (score)
          t.noiseScore.assign(P, 2.0);
        n.trials.assign(K, t);
        std::string bytes;
        encodeResult(n, bytes);
        EXPECT_EQ(bytes.size(), 53 + 8 * P + K * (61 + 8 * P + (score ? 8 * P : 0)))
            << "P " << P << ", K " << K << (score ? ", score" : "");
      }
}
