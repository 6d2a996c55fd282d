//===- runtime/tool/TaskFit.cpp - sizing a model source to its task ------===//
#include "runtime/tool/TaskFit.h"

#include "compiler/frontend/Parser.h"

#include <map>
#include <sstream>

namespace plasticc::tool {

namespace {

/// The name of a -D's left-hand side ("I" of "I=3").
std::string defineName(const std::string &d) { return d.substr(0, d.find('=')); }

} // namespace

std::vector<std::string> taskDims(const std::string &path, const std::string &text,
                                  const tasks::Task &task,
                                  const std::vector<std::string> &userDefines) {
  std::ostringstream ignored; // the compile that follows reports any error
  auto file = std::make_shared<SourceFile>(path, text);
  DiagnosticEngine diag(file, ignored);
  std::unique_ptr<ast::Module> module = parseSource(*file, diag);
  if (!module || diag.hasErrors())
    return {};
  std::map<std::string, int64_t> dims;
  std::map<std::string, const ast::QuantityDecl *> quantities;
  for (const ast::DeclPtr &d : module->decls) {
    if (auto *dim = dynamic_cast<const ast::DimDecl *>(d.get()))
      dims[dim->name] = dim->value;
    else if (auto *q = dynamic_cast<const ast::QuantityDecl *>(d.get()))
      quantities[q->name] = q;
  }
  std::map<std::string, int64_t> want;
  bool conflict = false;
  const std::pair<const std::string *, int64_t> roles[] = {{&task.names.input, task.inputs},
                                                           {&task.names.target, task.outputs},
                                                           {&task.names.output, task.outputs}};
  for (const auto &[name, width] : roles) {
    auto q = quantities.find(*name);
    if (q == quantities.end() || q->second->dims.size() != 1 || q->second->dims[0].isLiteral())
      continue;
    const std::string &dim = q->second->dims[0].name;
    auto [it, fresh] = want.emplace(dim, width);
    conflict |= !fresh && it->second != width;
  }
  std::vector<std::string> out;
  if (conflict)
    return out;
  for (const auto &[dim, width] : want) {
    bool userSets = false;
    for (const std::string &d : userDefines)
      userSets |= defineName(d) == dim;
    auto declared = dims.find(dim);
    if (!userSets && declared != dims.end() && declared->second != width)
      out.push_back(dim + "=" + std::to_string(width));
  }
  return out;
}

} // namespace plasticc::tool
