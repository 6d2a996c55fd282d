//===- runtime/tool/TaskFit.h - sizing a model source to its task --------===//
//
// A task says how many input channels it shows and how many outputs it
// reads (NeuroGym's tasks differ: 2 to 7 inputs, 2 or 3 actions); a .plast
// model sizes its task input u[I] and output z[O] (and target y[O]) by dims.
// Rather than make the user repeat the task's widths as -D I=... -D O=...,
// plasticc-meta sets those dims from the task file when the model declares
// them with another value and the command line does not set them. A model
// whose widths cannot follow (a literal shape, a library built with its
// values) is still checked by ModelBinding, with its located message.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/tasks/Task.h"

#include <map>
#include <string>
#include <vector>

namespace plasticc::tool {

/// The widths the task gives the dims that shape the quantities it binds
/// (input, target, output; each shaped by one dim): dim name -> width.
/// Empty when the source does not parse or a dim would need two widths.
std::map<std::string, int64_t> taskWidths(const std::string &path, const std::string &text,
                                          const tasks::Task &task);

/// "NAME=VALUE" defines that size the model source `text` (a .plast file) to
/// `task`: for the quantities the task binds (input, target, output; see
/// Task::names), each shaped by one dim NAME whose declared value differs
/// from the task's width and that `userDefines` does not set. Empty when
/// the source does not parse (the compile reports why) or a dim would need
/// two widths (the binding reports it).
std::vector<std::string> taskDims(const std::string &path, const std::string &text,
                                  const tasks::Task &task,
                                  const std::vector<std::string> &userDefines);

/// Notes for the -D of `userDefines` that set a dim of taskWidths to
/// another width than the task's ("" if none): why a model does not fit.
std::string userWidthNotes(const std::string &path, const std::string &text,
                           const tasks::Task &task, const std::vector<std::string> &userDefines);

} // namespace plasticc::tool
