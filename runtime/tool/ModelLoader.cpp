//===- runtime/tool/ModelLoader.cpp - dispatch on the model file's kind ---===//
#include "runtime/tool/ModelLoader.h"

#include "compiler/transforms/Tangent.h"
#include "dialect/Parser.h"
#include "runtime/Interpreter.h"
#include "runtime/meta/Checkpoint.h"
#include "support/Diagnostics.h"

#include <sstream>

namespace plasticc::tool {

namespace {

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// A dialect module after the tangent pass, run by interpreter instances.
class InterpretedModel final : public LoadedModel {
public:
  InterpretedModel(std::unique_ptr<ir::Module> module, std::string hash)
      : module_(std::move(module)), hash_(std::move(hash)) {}
  std::unique_ptr<runtime::Backend> makeBackend() override {
    return std::make_unique<runtime::Interpreter>(*module_, hash_);
  }
  std::string backendName() const override { return "interpreter"; }

private:
  std::unique_ptr<ir::Module> module_;
  std::string hash_;
};

/// The tangent pass on a freshly parsed or lowered module; diagnostics into `out`.
bool addTangents(ir::Module &module, DiagnosticEngine &diag) {
  return transforms::computeTangents(module, diag);
}

std::unique_ptr<LoadedModel> loadPlir(const std::string &path, const LoadOptions &options,
                                      std::string &err) {
  auto file = SourceFile::read(path, err);
  if (!file)
    return nullptr;
  std::ostringstream out;
  DiagnosticEngine diag(file, out);
  std::unique_ptr<ir::Module> module = ir::parseModule(*file, diag);
  if (!module || !addTangents(*module, diag) || diag.hasErrors()) {
    err = out.str();
    if (err.empty())
      err = "cannot load '" + path + "'";
    return nullptr;
  }
  // Compiled code for .plir arrives with the JIT; until then it is interpreted.
  (void)options;
  return std::make_unique<InterpretedModel>(std::move(module), meta::textHash(file->text()));
}

} // namespace

std::unique_ptr<LoadedModel> loadModel(const std::string &path, const LoadOptions &options,
                                       std::string &err) {
  if (endsWith(path, ".plir"))
    return loadPlir(path, options, err);
  if (endsWith(path, ".plast")) {
    err = "cannot compile '" + path + "': this plasticc-meta is built without the .plast "
          "front end (not available yet); give a .plir module (plasticc --emit=ir) instead";
    return nullptr;
  }
  if (endsWith(path, ".so")) {
    err = "cannot load '" + path + "': loading compiled shared libraries is not available "
          "in this plasticc-meta yet";
    return nullptr;
  }
  err = "'" + path + "' is not a model: expected a .plast source, a .plir module or a .so library";
  return nullptr;
}

} // namespace plasticc::tool
