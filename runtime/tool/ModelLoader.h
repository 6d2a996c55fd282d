//===- runtime/tool/ModelLoader.h - from a model file to backends ---------===//
//
// plasticc-meta takes a model as a file and dispatches on its extension:
//   .plast  compiled in-process (front end, tangent pass, then the ORC JIT,
//           or the reference interpreter with --interpret)
//   .plir   a dialect module (`plasticc --emit=ir` output), run the same way
//   .so     a shared library built by `plasticc FILE -o model.so` (dlopen)
// The result makes one Backend per worker thread (BackendPool): the
// interpreter keeps per-instance scratch, so each worker gets its own;
// compiled entry points keep none, so workers share one compiled model.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/Backend.h"

#include <memory>
#include <string>

namespace plasticc::tool {

/// How to run a model.
struct LoadOptions {
  bool interpret = false; // the reference interpreter instead of compiled code
  /// The estimator the tangents serve ("pathwise" or "score"): a source is
  /// compiled for it; a .so must have been built for it ("": any .so, and a
  /// source compiled for the pathwise one, e.g. to evaluate without tangents).
  std::string estimator = "pathwise";
  /// -D NAME=VALUE: dims and params of a source set without editing it
  /// (compiler/frontend/Defines.h); a .so has its values built in.
  std::vector<std::string> defines;
};

/// A loaded model: makes backends that all run it (see file comment).
class LoadedModel {
public:
  virtual ~LoadedModel() = default;
  /// A new backend instance (one per worker thread).
  virtual std::unique_ptr<runtime::Backend> makeBackend() = 0;
  /// "interpreter", "JIT" or "shared library", for messages.
  virtual std::string backendName() const = 0;
  /// Bytes of one network's state buffer (ModelInfo::stateBytes), known
  /// before any backend is made, so that a model too big for memory is
  /// refused before anything is allocated.
  virtual int64_t stateBytes() const = 0;
  /// The model's name (`model NAME`), for messages.
  virtual std::string modelName() const = 0;
};

/// A Backend that forwards every entry point, runTrial included, to one
/// shared compiled model (its entry points are stateless, so every worker
/// gets one of these over the same model).
std::unique_ptr<runtime::Backend> sharedBackend(std::shared_ptr<runtime::Backend> model);

/// Loads `path`. On failure returns nullptr and `err` holds the reason
/// (compile diagnostics included, rendered as file:line:col: error: ...).
std::unique_ptr<LoadedModel> loadModel(const std::string &path, const LoadOptions &options,
                                       std::string &err);

/// Compiles .plast source `text` as loadModel compiles a file; `name` is the
/// file name its diagnostics give (and `extern` files are relative to the
/// current directory).
std::unique_ptr<LoadedModel> loadModelText(const std::string &text, const std::string &name,
                                           const LoadOptions &options, std::string &err);

} // namespace plasticc::tool
