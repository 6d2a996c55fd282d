//===- runtime/meta/ResultCodec.cpp - NetworkResult <-> bytes -------------===//
#include "runtime/meta/ResultCodec.h"

#include <cstdint>
#include <cstring>
#include <type_traits>

namespace plasticc::meta {

namespace {

/// A record starts with this tag, so a misaligned read fails fast.
constexpr uint32_t kTag = 0x4e525331; // "NRS1"

class Writer {
public:
  explicit Writer(std::string &out) : out_(out) {}
  template <typename T> void put(T v) {
    static_assert(std::is_trivially_copyable_v<T>);
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out_.append(b, sizeof(T));
  }
  void put(const std::vector<double> &v) {
    put<uint64_t>(v.size());
    out_.append(reinterpret_cast<const char *>(v.data()), v.size() * sizeof(double));
  }
  void put(const std::string &s) {
    put<uint64_t>(s.size());
    out_.append(s);
  }

private:
  std::string &out_;
};

class Reader {
public:
  Reader(const std::string &in, size_t &pos) : in_(in), pos_(pos) {}
  template <typename T> bool get(T &v) {
    if (pos_ > in_.size() || in_.size() - pos_ < sizeof(T))
      return false;
    std::memcpy(&v, in_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  bool get(std::vector<double> &v) {
    uint64_t n = 0;
    if (!get(n) || n > (in_.size() - pos_) / sizeof(double))
      return false;
    v.resize(n);
    if (n > 0) // an empty vector's data() may be null, which memcpy must not get
      std::memcpy(v.data(), in_.data() + pos_, n * sizeof(double));
    pos_ += n * sizeof(double);
    return true;
  }
  bool get(std::string &s) {
    uint64_t n = 0;
    if (!get(n) || n > in_.size() - pos_)
      return false;
    s.assign(in_.data() + pos_, n);
    pos_ += n;
    return true;
  }

private:
  const std::string &in_;
  size_t &pos_;
};

void putTrial(Writer &w, const TrialRecord &t) {
  w.put(t.modelReward);
  w.put(t.penalty);
  w.put(t.score.reward);
  w.put(t.score.mse);
  w.put(t.score.mae);
  w.put<int32_t>(t.score.choice);
  w.put<uint8_t>(t.score.correct);
  w.put(t.dR);
  w.put(t.noiseScore);
}

bool getTrial(Reader &r, TrialRecord &t) {
  int32_t choice = 0;
  uint8_t correct = 0;
  bool ok = r.get(t.modelReward) && r.get(t.penalty) && r.get(t.score.reward) &&
            r.get(t.score.mse) && r.get(t.score.mae) && r.get(choice) && r.get(correct) &&
            r.get(t.dR) && r.get(t.noiseScore);
  t.score.choice = choice;
  t.score.correct = correct != 0;
  return ok && correct <= 1;
}

} // namespace

void encodeResult(const NetworkResult &n, std::string &out) {
  Writer w(out);
  w.put(kTag);
  w.put(n.seed);
  w.put<uint64_t>(n.trials.size());
  for (const TrialRecord &t : n.trials)
    putTrial(w, t);
  w.put(n.meanReward);
  w.put(n.meanPenalty);
  w.put(n.meanTaskReward);
  w.put(n.grad);
  w.put<uint8_t>(n.divergence.has_value());
  if (n.divergence) {
    w.put(n.divergence->trial);
    w.put(n.divergence->what);
    w.put(n.divergence->value);
    w.put(n.divergence->bound);
    w.put(n.divergence->over);
    w.put(n.divergence->elements);
  }
}

bool decodeResult(const std::string &bytes, size_t &pos, NetworkResult &n) {
  Reader r(bytes, pos);
  uint32_t tag = 0;
  uint64_t seed = 0, trials = 0;
  if (!r.get(tag) || tag != kTag || !r.get(seed) || !r.get(trials))
    return false;
  n = NetworkResult();
  n.seed = seed;
  // Each trial takes at least 61 bytes: a count beyond that is corrupt.
  if (trials > (bytes.size() - pos) / 61)
    return false;
  n.trials.resize(trials);
  for (TrialRecord &t : n.trials)
    if (!getTrial(r, t))
      return false;
  uint8_t diverged = 0;
  if (!r.get(n.meanReward) || !r.get(n.meanPenalty) || !r.get(n.meanTaskReward) ||
      !r.get(n.grad) || !r.get(diverged) || diverged > 1)
    return false;
  if (!diverged)
    return true;
  Divergence d;
  if (!r.get(d.trial) || !r.get(d.what) || !r.get(d.value) || !r.get(d.bound) ||
      !r.get(d.over) || !r.get(d.elements))
    return false;
  n.divergence = std::move(d);
  return true;
}

std::string encodeResults(const std::vector<NetworkResult> &results, size_t first, size_t count) {
  std::string out;
  for (size_t i = first; i < first + count && i < results.size(); ++i)
    encodeResult(results[i], out);
  return out;
}

} // namespace plasticc::meta
