//===- runtime/tool/TaskFit.cpp - sizing a model source to its task ------===//
#include "runtime/tool/TaskFit.h"

#include "compiler/frontend/Parser.h"

#include <map>
#include <sstream>

namespace plasticc::tool {

namespace {

/// The name of a -D's left-hand side ("I" of "I=3").
std::string defineName(const std::string &d) { return d.substr(0, d.find('=')); }

/// The source's declarations, or false if it does not parse (the compile
/// that follows reports why).
bool declarations(const std::string &path, const std::string &text,
                  std::map<std::string, int64_t> &dims,
                  std::map<std::string, const ast::QuantityDecl *> &quantities,
                  std::unique_ptr<ast::Module> &module) {
  std::ostringstream ignored;
  auto file = std::make_shared<SourceFile>(path, text);
  DiagnosticEngine diag(file, ignored);
  module = parseSource(*file, diag);
  if (!module || diag.hasErrors())
    return false;
  for (const ast::DeclPtr &d : module->decls) {
    if (auto *dim = dynamic_cast<const ast::DimDecl *>(d.get()))
      dims[dim->name] = dim->value;
    else if (auto *q = dynamic_cast<const ast::QuantityDecl *>(d.get()))
      quantities[q->name] = q;
  }
  return true;
}

/// taskWidths, with the declared value of each dim in `declared`.
std::map<std::string, int64_t> widths(const std::string &path, const std::string &text,
                                      const tasks::Task &task,
                                      std::map<std::string, int64_t> &declared) {
  std::map<std::string, const ast::QuantityDecl *> quantities;
  std::unique_ptr<ast::Module> module;
  if (!declarations(path, text, declared, quantities, module))
    return {};
  std::map<std::string, int64_t> want;
  const std::pair<const std::string *, int64_t> roles[] = {{&task.names.input, task.inputs},
                                                           {&task.names.target, task.outputs},
                                                           {&task.names.output, task.outputs}};
  for (const auto &[name, width] : roles) {
    auto q = quantities.find(*name);
    if (q == quantities.end() || q->second->dims.size() != 1 || q->second->dims[0].isLiteral())
      continue;
    auto [it, fresh] = want.emplace(q->second->dims[0].name, width);
    if (!fresh && it->second != width)
      return {};
  }
  return want;
}

} // namespace

std::map<std::string, int64_t> taskWidths(const std::string &path, const std::string &text,
                                          const tasks::Task &task) {
  std::map<std::string, int64_t> declared;
  return widths(path, text, task, declared);
}

std::vector<std::string> taskDims(const std::string &path, const std::string &text,
                                  const tasks::Task &task,
                                  const std::vector<std::string> &userDefines) {
  std::map<std::string, int64_t> declared;
  std::vector<std::string> out;
  for (const auto &[dim, width] : widths(path, text, task, declared)) {
    bool userSets = false;
    for (const std::string &d : userDefines)
      userSets |= defineName(d) == dim;
    auto it = declared.find(dim);
    if (!userSets && it != declared.end() && it->second != width)
      out.push_back(dim + "=" + std::to_string(width));
  }
  return out;
}

std::string userWidthNotes(const std::string &path, const std::string &text,
                           const tasks::Task &task, const std::vector<std::string> &userDefines) {
  std::map<std::string, int64_t> want = taskWidths(path, text, task);
  std::string notes;
  for (const std::string &d : userDefines) {
    auto it = want.find(defineName(d));
    if (it != want.end() && d.substr(d.find('=') + 1) != std::to_string(it->second))
      notes += "plasticc-meta: note: -D " + d + " sets this width; the task's is " +
               std::to_string(it->second) + " (without that -D, plasticc-meta sizes " + it->first +
               " from the task)\n";
  }
  return notes;
}

} // namespace plasticc::tool
