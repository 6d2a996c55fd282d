//===- bench/Dump.cpp - one network's data, for the PyTorch comparison ----===//
#include "bench/Dump.h"

#include "bench/CompiledRnn.h"
#include "bench/Machine.h"
#include "bench/Runners.h"
#include "bench/Workload.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace plasticc::bench {

namespace {

bool writeArray(const std::string &path, const double *data, size_t count, std::string &error) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char *>(data), static_cast<std::streamsize>(8 * count));
  if (!out) {
    error = "cannot write " + path;
    return false;
  }
  return true;
}

std::string jsonArray(const std::vector<double> &v) {
  std::ostringstream out;
  out.precision(17);
  out << "[";
  for (size_t k = 0; k < v.size(); ++k)
    out << (k ? ", " : "") << v[k];
  out << "]";
  return out.str();
}

/// J and dJ of one meta-gradient of `r`, and its thread CPU seconds.
double metaGradient(Runner &r, int trials, int steps, std::vector<double> &dJ, double &seconds) {
  std::vector<double> dR(dJ.size());
  double J = 0, t0 = threadSeconds();
  for (int k = 0; k < trials; ++k) {
    r.beginTrial();
    for (int t = 0; t < steps; ++t)
      r.step(k, t, true);
    J += r.endTrial(dR.data()) / trials;
    for (size_t p = 0; p < dJ.size(); ++p)
      dJ[p] += dR[p] / trials;
  }
  seconds = threadSeconds() - t0;
  return J;
}

} // namespace

bool dumpMetaGradient(const std::string &dir, int n, int d, int trials, int steps,
                      std::string &error) {
  std::filesystem::create_directories(dir);
  auto model = jitRnnPoly(n, d + 1, error);
  if (!model)
    return false;
  Workload work(n, trials, steps, 7);
  std::vector<double> theta = benchTheta(d + 1);
  CompiledRunner compiled(*model, work, theta, 7);
  HandRunner hand(compiled, work, theta);
  size_t nn = static_cast<size_t>(n);
  bool ok = writeArray(dir + "/W.bin", compiled.slot("W"), nn * nn, error) &&
            writeArray(dir + "/Win.bin", compiled.slot("Win"), nn * 2, error) &&
            writeArray(dir + "/Wout.bin", compiled.slot("Wout"), nn, error) &&
            writeArray(dir + "/x0.bin", compiled.slot("x"), nn, error) &&
            writeArray(dir + "/theta.bin", theta.data(), theta.size(), error);
  std::vector<double> u, y, m, xi;
  for (int k = 0; k < trials; ++k)
    for (int t = 0; t < steps; ++t) {
      u.insert(u.end(), work.u(k, t), work.u(k, t) + 2);
      y.push_back(work.y(k, t)[0]);
      m.push_back(work.m(k, t));
      xi.insert(xi.end(), work.xi(k, t), work.xi(k, t) + n);
    }
  ok = ok && writeArray(dir + "/u.bin", u.data(), u.size(), error) &&
       writeArray(dir + "/y.bin", y.data(), y.size(), error) &&
       writeArray(dir + "/m.bin", m.data(), m.size(), error) &&
       writeArray(dir + "/xi.bin", xi.data(), xi.size(), error);
  if (!ok)
    return false;
  std::vector<double> dJc(theta.size()), dJh(theta.size());
  double sc = 0, sh = 0;
  double Jc = metaGradient(compiled, trials, steps, dJc, sc);
  double Jh = metaGradient(hand, trials, steps, dJh, sh);
  std::ofstream meta(dir + "/meta.json");
  meta.precision(17);
  reference::Constants c;
  meta << "{\n  \"n\": " << n << ", \"d\": " << d << ", \"inputs\": 2, \"outputs\": 1,\n"
       << "  \"trials\": " << trials << ", \"steps\": " << steps << ",\n"
       << "  \"alpha\": " << c.alpha << ", \"sigma\": " << c.sigma << ", \"lambda\": " << c.lambda
       << ", \"beta_x\": " << c.betaX << ", \"beta_R\": " << c.betaR << ", \"eta\": " << c.eta
       << ",\n  \"J_compiled\": " << Jc << ", \"dJ_compiled\": " << jsonArray(dJc) << ",\n"
       << "  \"J_hand\": " << Jh << ", \"dJ_hand\": " << jsonArray(dJh) << ",\n"
       << "  \"seconds_compiled\": " << sc << ", \"seconds_hand\": " << sh << "\n}\n";
  if (!meta) {
    error = "cannot write " + dir + "/meta.json";
    return false;
  }
  return true;
}

} // namespace plasticc::bench
