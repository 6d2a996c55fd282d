//===- runtime/tool/ModelLoader.cpp - dispatch on the model file's kind ---===//
//
// .plast: parse, check and lower (the front end), verify, tangent pass;
// .plir: parse and verify the dialect text, tangent pass; then either the
// JIT (compiled once, shared by every worker: compiled entry points keep no
// state of their own) or one interpreter per worker. .so: dlopen. Compiled
// models must be f64 and carry tangents for every meta scalar, since the
// runtime reads the state as doubles and needs dR/dmeta.
//
//===----------------------------------------------------------------------===//
#include "runtime/tool/ModelLoader.h"

#include "compiler/frontend/CppImport.h"
#include "compiler/frontend/Defines.h"

#include "compiler/frontend/Parser.h"
#include "compiler/frontend/Sema.h"
#include "compiler/lowering/LowerToDialect.h"
#include "compiler/transforms/Tangent.h"
#include "dialect/Layout.h"
#include "dialect/Parser.h"
#include "dialect/Verifier.h"
#include "runtime/Interpreter.h"
#include "runtime/jit/JIT.h"
#include "runtime/jit/SharedLibrary.h"
#include "runtime/meta/Checkpoint.h"
#include "support/Diagnostics.h"

#include <sstream>

namespace plasticc::tool {

namespace {

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// A dialect module after the tangent pass, run by interpreter instances
/// (each keeps scratch arrays, so one per worker).
class InterpretedModel final : public LoadedModel {
public:
  InterpretedModel(std::unique_ptr<ir::Module> module, std::string hash)
      : module_(std::move(module)), hash_(std::move(hash)),
        stateBytes_(ir::computeLayout(*module_, 8).stateBytes) {}
  std::unique_ptr<runtime::Backend> makeBackend() override {
    return std::make_unique<runtime::Interpreter>(*module_, hash_);
  }
  std::string backendName() const override { return "interpreter"; }
  int64_t stateBytes() const override { return stateBytes_; }
  std::string modelName() const override { return module_->name; }

private:
  std::unique_ptr<ir::Module> module_;
  std::string hash_;
  int64_t stateBytes_;
};

/// See sharedBackend.
class SharedBackend final : public runtime::Backend {
public:
  explicit SharedBackend(std::shared_ptr<runtime::Backend> b) : b_(std::move(b)) {}
  const runtime::ModelInfo &info() const override { return b_->info(); }
  void init(void *s, const double *meta, uint64_t seed) override { b_->init(s, meta, seed); }
  void setTrialStart(void *s) override { b_->setTrialStart(s); }
  void beginTrial(void *s) override { b_->beginTrial(s); }
  void step(void *s, const double *in, const double *xi) override { b_->step(s, in, xi); }
  void stepPrimal(void *s, const double *in, const double *xi) override {
    b_->stepPrimal(s, in, xi);
  }
  double endTrial(void *s, double *dR) override { return b_->endTrial(s, dR); }
  double runTrial(void *s, const double *in, const double *xi, int64_t steps, double *outputs,
                  double *dR, bool tangents) override {
    return b_->runTrial(s, in, xi, steps, outputs, dR, tangents); // the model's whole-trial code
  }

private:
  std::shared_ptr<runtime::Backend> b_;
};

/// A compiled model (JIT or shared library), shared by all workers.
class CompiledModel final : public LoadedModel {
public:
  CompiledModel(std::shared_ptr<runtime::NativeModel> m, std::string name)
      : model_(std::move(m)), name_(std::move(name)) {}
  std::unique_ptr<runtime::Backend> makeBackend() override {
    return sharedBackend(model_);
  }
  std::string backendName() const override { return name_; }
  int64_t stateBytes() const override { return model_->info().stateBytes; }
  std::string modelName() const override { return model_->info().name; }

private:
  std::shared_ptr<runtime::NativeModel> model_;
  std::string name_;
};

/// What the runtime needs of compiled code: doubles and a full set of tangents.
bool checkCompiled(const runtime::NativeModel &m, const std::string &path, std::string &err) {
  if (m.elem() != PLASTICC_F64) {
    err = "'" + path + "' was compiled for single precision (--fp32); plasticc-meta runs f64 models";
    return false;
  }
  if (m.info().metaScalars > 0 && m.tangentLanes() != m.info().metaScalars) {
    err = "'" + path + "' carries " + std::to_string(m.tangentLanes()) + " tangent lanes but the "
          "model has " + std::to_string(m.info().metaScalars) + " meta scalars; rebuild it with "
          "plasticc (tangents are needed for dJ/dmeta)";
    return false;
  }
  return true;
}

/// Front end and tangent pass: the differentiated dialect module of a .plast
/// or .plir file, or nullptr with every diagnostic in `err`.
std::unique_ptr<ir::Module> compileToDialect(const SourceFile &file, bool isPlir,
                                             ir::Estimator estimator, const Defines &defines,
                                             std::string &hashed, std::string &err) {
  std::ostringstream out;
  DiagnosticEngine diag(std::make_shared<SourceFile>(file), out);
  DiagnosticEngine cmd(defines.commandLine(), out);
  std::unique_ptr<ir::Module> module;
  if (isPlir) {
    module = ir::parseModule(file, diag);
  } else {
    std::unique_ptr<ast::Module> ast = parseSource(file, diag);
    // Sema runs after syntax errors too (on what the parser recovered), as
    // in `plasticc`, so one run lists every independent error.
    bool ok = ast && defines.apply(*ast, cmd, diag) && checkModule(*ast, diag) &&
              !diag.hasErrors();
    if (ast)
      hashed = withImportedSources(hashed, *ast);
    if (ok) {
      module = lowerToDialect(*ast);
      std::vector<ir::VerifierError> errors = ir::verify(*module);
      PLASTICC_INTERNAL_ASSERT(errors.empty(), "the lowered module does not verify: " +
                                                   (errors.empty() ? "" : errors[0].message));
    }
  }
  if (module && module->lanes > 0 && module->estimator != estimator) {
    err = "'" + file.path() + "' already has tangents for the " +
          ir::estimatorName(module->estimator) + " estimator, not the " +
          ir::estimatorName(estimator) + " one (--estimator)";
    return nullptr;
  }
  if (!module || diag.hasErrors() || !transforms::computeTangents(*module, diag, {}, estimator) ||
      diag.hasErrors()) {
    err = out.str();
    if (err.empty())
      err = "cannot compile '" + file.path() + "'";
    return nullptr;
  }
  const ir::Quantity *at = nullptr;
  if (std::string why = ir::layoutProblem(*module, at); !why.empty()) {
    diag.error(at->loc, why);
    err = out.str();
    return nullptr;
  }
  return module;
}

std::unique_ptr<LoadedModel> loadSource(const std::shared_ptr<SourceFile> &file, bool isPlir,
                                        const LoadOptions &options, std::string &err) {
  const std::string &path = file->path();
  ir::Estimator estimator =
      options.estimator == "score" ? ir::Estimator::Score : ir::Estimator::Pathwise;
  Defines defines(options.defines);
  if (isPlir && !defines.empty()) {
    err = "-D sets dims and params of a .plast model, not of the dialect module '" + path + "'";
    return nullptr;
  }
  std::string hashed = file->text(); // and the C++ files it imports
  std::unique_ptr<ir::Module> module = compileToDialect(*file, isPlir, estimator, defines, hashed, err);
  if (!module)
    return nullptr;
  if (options.interpret)
    return std::make_unique<InterpretedModel>(std::move(module),
                                              meta::textHash(defines.hashedSource(hashed)));
  codegen::NativeOptions native; // host CPU, f64, optimised
  std::unique_ptr<runtime::NativeModel> jit =
      runtime::jitCompile(*module, defines.hashedSource(hashed), native, err);
  if (!jit) {
    err = "cannot JIT-compile '" + path + "': " + err + " (--interpret runs it interpreted)";
    return nullptr;
  }
  if (!checkCompiled(*jit, path, err))
    return nullptr;
  // The JIT session owns the code; the dialect module is no longer needed.
  return std::make_unique<CompiledModel>(std::move(jit), "JIT");
}

} // namespace

std::unique_ptr<runtime::Backend> sharedBackend(std::shared_ptr<runtime::Backend> model) {
  return std::make_unique<SharedBackend>(std::move(model));
}

std::unique_ptr<LoadedModel> loadModel(const std::string &path, const LoadOptions &options,
                                       std::string &err) {
  if (endsWith(path, ".plast") || endsWith(path, ".plir")) {
    auto file = SourceFile::read(path, err);
    return file ? loadSource(file, endsWith(path, ".plir"), options, err) : nullptr;
  }
  if (endsWith(path, ".so")) {
    if (!options.defines.empty()) {
      err = "-D sets dims and params of a .plast model; the library '" + path +
            "' has its values built in (rebuild it with plasticc -D ...)";
      return nullptr;
    }
    if (options.interpret) {
      err = "--interpret needs the model's source (.plast or .plir), not a compiled '" + path + "'";
      return nullptr;
    }
    std::unique_ptr<runtime::NativeModel> lib = runtime::loadSharedLibrary(path, err);
    if (!lib || !checkCompiled(*lib, path, err))
      return nullptr;
    if (!options.estimator.empty() && lib->info().estimator != options.estimator) {
      err = "'" + path + "' was built for the " + lib->info().estimator +
            " estimator; rebuild it with 'plasticc --estimator " + options.estimator + "' or "
            "run --estimator " + lib->info().estimator;
      return nullptr;
    }
    return std::make_unique<CompiledModel>(std::move(lib), "shared library");
  }
  err = "'" + path + "' is not a model: expected a .plast source, a .plir module or a .so library";
  return nullptr;
}

std::unique_ptr<LoadedModel> loadModelText(const std::string &text, const std::string &name,
                                           const LoadOptions &options, std::string &err) {
  return loadSource(std::make_shared<SourceFile>(name, text), false, options, err);
}

} // namespace plasticc::tool
