//===- runtime/meta/Logs.h - the files a run leaves in --out DIR ----------===//
//
// What a run writes for people and for scripts/plot.py: the CSV log (one row
// per meta-iteration: J, the task reward, the gradient norm, every meta
// scalar and its gradient), the learned rule as JSON (meta values with their
// names and shapes), and the evaluation (the table as text, the same as
// CSV, and the held-out learning curves per rule). The log is appended and
// flushed row by row, so a run that stops keeps every row it finished.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/meta/Checkpoint.h"
#include "runtime/meta/Evaluation.h"
#include "runtime/meta/MetaLearner.h"

#include <cstdio>
#include <string>
#include <vector>

namespace plasticc::meta {

/// A CSV field: quoted, since names like theta[1,2] hold commas, and a
/// quote inside doubled (RFC 4180).
std::string csvField(const std::string &s);

/// A number as the CSV files print it: %.10g, "nan" for NaN.
std::string csvNumber(double v);

/// The per-iteration CSV log (log.csv).
class CsvLog {
public:
  /// Creates `path` with a header and the rows of `history` (replacing any
  /// older file: on resume the log is rewritten from the checkpoint).
  bool open(const std::string &path, const ModelBinding &binding,
            const std::vector<IterationRecord> &history, std::string &err);
  /// Appends one row and flushes it.
  bool append(const IterationRecord &record, std::string &err);
  ~CsvLog();

private:
  std::FILE *file_ = nullptr;
  std::string path_;
};

/// The CSV header and one row (without newline), exposed for tests.
std::string csvHeader(const ModelBinding &binding);
std::string csvRow(const IterationRecord &record);

/// Where a learned rule came from: the run's settings and its directory.
struct Provenance {
  RunIdentity run;
  int64_t iterations = 0; // meta-iterations done
  std::string out;        // the run's --out, absolute
};

/// Writes the learned rule (rule.json): model, task, iterations, final J,
/// each meta quantity's name, shape and values (nested by shape), the flat
/// `scalars` by name, and `provenance` (the run's identity and directory).
bool writeRuleJson(const std::string &path, const ModelBinding &binding,
                   const std::vector<double> &meta, const TrainingState &state,
                   const Provenance &provenance, std::string &err);

/// Writes evaluation.txt (`table`), evaluation.csv (one row per rule),
/// curves.csv (per rule and trial: mean reward and fraction correct with
/// their standard errors) and networks.csv (per rule and held-out network:
/// seed, mean reward, divergence trial, trials to criterion) and trials.csv
/// (per rule, held-out network and trial: the task reward, which is the
/// penalty from a divergence on, and 1/0 for correct, empty where the task
/// judges no trial correct) into `dir`.
bool writeEvaluation(const std::string &dir, const std::vector<RuleResult> &results,
                     const std::string &table, std::string &err);

} // namespace plasticc::meta
