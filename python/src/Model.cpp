//===- python/src/Model.cpp - a compiled model, for Python ----------------===//
#include "Model.h"

namespace plasticc::python {

Model::Model(const std::string &path, const std::vector<std::string> &defines, bool interpret,
             const std::string &estimator, const std::optional<std::string> &text) {
  if (estimator != "pathwise" && estimator != "score")
    throw std::invalid_argument("estimator must be 'pathwise' or 'score', not '" + estimator + "'");
  tool::LoadOptions options;
  options.interpret = interpret;
  options.estimator = estimator;
  options.defines = defines;
  std::string err;
  loaded_ = text ? tool::loadModelText(*text, path, options, err) : tool::loadModel(path, options, err);
  if (!loaded_)
    throw CompileFailure(err);
  info_ = loaded_->makeBackend()->info();
}

const runtime::QuantityInfo &Model::quantity(const std::string &name) const {
  if (const runtime::QuantityInfo *q = info_.find(name))
    return *q;
  std::string names;
  for (const runtime::QuantityInfo &q : info_.quantities)
    names += (names.empty() ? "" : ", ") + q.name;
  throw UnknownQuantity("model '" + info_.name + "' has no quantity '" + name + "' (it has " +
                          names + ")");
}

} // namespace plasticc::python
