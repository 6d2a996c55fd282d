//===- compiler/frontend/Defines.h - dims and params set on the command line -===//
//
// `-D NAME=VALUE` (both tools) sets a dim or a param of a model without
// editing its file: `-D N=256` (a positive integer), `-D eta=0.01`,
// `-D tau=20ms` (a number with an optional unit, ms, s or Hz, as in the
// language). The defines are applied to the parsed tree before Sema, so
// everything downstream (shapes, units, the dialect, the descriptor) sees the
// new value; the model's source hash covers them (hashedSource), so a
// library built with -D N=256 is not mistaken for one built without.
// Mistakes are located in the command line (`<command line>:1:4: error:
// ...` with a caret) with a note at the declaration in the model file.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/frontend/AST.h"
#include "support/Diagnostics.h"

#include <memory>
#include <string>
#include <vector>

namespace plasticc {

/// The -D options of one run, and the text they are located in.
class Defines {
public:
  /// `args` are the -D values as given ("N=256"); empty is fine.
  explicit Defines(const std::vector<std::string> &args);

  bool empty() const { return entries_.empty(); }
  /// "-D N=256 -D eta=0.01": the text messages point into.
  const std::shared_ptr<SourceFile> &commandLine() const { return commandLine_; }

  /// Applies every define to `module`; errors go to `cmd` (an engine over
  /// commandLine()), notes at declarations to `file`. False on any error.
  bool apply(ast::Module &module, DiagnosticEngine &cmd, DiagnosticEngine &file) const;

  /// `text` with the defines appended as a trailing comment line, sorted by
  /// name: what the source hash of a model built with them covers (no
  /// defines: `text`). The values are hashed as written (20ms and 0.02s
  /// differ).
  std::string hashedSource(const std::string &text) const;

private:
  struct Entry {
    std::string text, name, value;
    SourceRange range, nameRange, valueRange;
  };
  bool applyOne(ast::Module &module, const Entry &e, DiagnosticEngine &cmd,
                DiagnosticEngine &file) const;
  std::vector<Entry> entries_;
  std::shared_ptr<SourceFile> commandLine_;
};

} // namespace plasticc
