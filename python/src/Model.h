//===- python/src/Model.h - a compiled model, for Python ------------------===//
//
// plasticc.compile(path, defines) loads a model as plasticc-meta does
// (runtime/tool/ModelLoader.h: a .plast or .plir JIT-compiled in-process,
// or interpreted; a built .so through dlopen) and keeps its descriptor.
// Compiler diagnostics arrive as CompileFailure, which the Python package
// turns into plasticc.CompileError with the located diagnostics.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/Backend.h"
#include "runtime/tool/ModelLoader.h"

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace plasticc::python {

/// The rendered diagnostics of a model that does not compile or load.
struct CompileFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A quantity name the model does not have (KeyError in Python).
struct UnknownQuantity : std::out_of_range {
  using std::out_of_range::out_of_range;
};

/// A loaded model and its descriptor.
class Model {
public:
  /// Loads `path` (see file comment), or, when `text` is given, compiles
  /// that .plast source with `path` as its name in diagnostics; throws
  /// CompileFailure.
  Model(const std::string &path, const std::vector<std::string> &defines, bool interpret,
        const std::string &estimator, const std::optional<std::string> &text);

  const runtime::ModelInfo &info() const { return info_; }
  /// "JIT", "interpreter" or "shared library".
  std::string backendName() const { return loaded_->backendName(); }
  /// A backend for one network (interpreters keep scratch: one each).
  std::unique_ptr<runtime::Backend> makeBackend() const { return loaded_->makeBackend(); }
  /// The quantity `name`; throws UnknownQuantity naming the model's quantities.
  const runtime::QuantityInfo &quantity(const std::string &name) const;

private:
  std::shared_ptr<tool::LoadedModel> loaded_;
  runtime::ModelInfo info_;
};

} // namespace plasticc::python
