//===- dialect/Printer.cpp - the canonical text form of the dialect -------===//
//
// Prints a module as documented in docs/ir.md. The form is chosen so that
// the parser (dialect/Parser.cpp) rebuilds an identical module: names are
// made unique deterministically, numbers are printed in their shortest
// round-trip form, and nothing that the parser cannot read back is emitted
// for a well-formed module.
//
//===----------------------------------------------------------------------===//
#include "dialect/Printer.h"

#include <charconv>
#include <cmath>
#include <ostream>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

namespace plasticc::ir {

std::string formatDouble(double value) {
  if (std::isnan(value))
    return std::signbit(value) ? "-nan" : "nan";
  if (std::isinf(value))
    return value < 0 ? "-inf" : "inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  PLASTICC_INTERNAL_ASSERT(ec == std::errc(), "to_chars failed on a finite double");
  return std::string(buf, end);
}

namespace {

/// Assigns the printed SSA names of one region (see printModule's comment).
class RegionNamer {
public:
  /// Name for `op`'s result, unique in this region.
  const std::string &assign(const Op &op) {
    std::string hint = sanitize(op.name);
    std::string name;
    if (hint.empty()) {
      do
        name = std::to_string(nextNumber_++);
      while (used_.count(name));
    } else if (!used_.count(hint)) {
      name = hint;
    } else {
      int64_t &suffix = nextSuffix_[hint];
      do
        name = hint + "." + std::to_string(++suffix);
      while (used_.count(name));
    }
    used_.insert(name);
    return names_[&op] = name;
  }

  /// The name given to `op` earlier, or nullptr (use before definition).
  const std::string *lookup(const Op *op) const {
    auto it = names_.find(op);
    return it == names_.end() ? nullptr : &it->second;
  }

private:
  /// Keeps [A-Za-z0-9_.]; an all-digit hint gets a 'v' so that it never
  /// collides with the numbers of unnamed results.
  static std::string sanitize(const std::string &hint) {
    std::string s;
    bool allDigits = true;
    for (char c : hint) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '.';
      s += ok ? c : '_';
      allDigits = allDigits && c >= '0' && c <= '9';
    }
    if (!s.empty() && allDigits)
      s = "v" + s;
    return s;
  }

  std::unordered_map<const Op *, std::string> names_;
  std::unordered_set<std::string> used_;
  std::unordered_map<std::string, int64_t> nextSuffix_;
  int64_t nextNumber_ = 0;
};

void printLoc(std::ostream &out, Loc loc) {
  if (loc.valid())
    out << " loc(" << loc.line << ":" << loc.col << ")";
}

/// Prints what follows the `%name = ` of one op: mnemonic, operands,
/// attributes and type (docs/ir.md, production `body`).
class OpBodyPrinter {
public:
  OpBodyPrinter(std::ostream &out, const RegionNamer &namer) : out_(out), namer_(namer) {}

  void print(const Op &op) {
    out_ << mnemonic(op.kind);
    switch (op.kind) {
    case OpKind::Const:
      out_ << " " << formatDouble(op.attrs.value) << " : " << op.type.str();
      break;
    case OpKind::Read:
    case OpKind::ReadTangent:
      printQuantityRef(op);
      out_ << " : " << op.type.str();
      break;
    case OpKind::Write:
    case OpKind::WriteTangent:
      printQuantityRef(op);
      out_ << ",";
      printOperands(op);
      break;
    case OpKind::Ret:
      printOperands(op);
      break;
    default:
      printOperands(op);
      printAttrs(op);
      out_ << " : ";
      if (op.kind == OpKind::Bcast)
        out_ << (op.operands.size() == 1 && op.operands[0] ? op.operands[0]->type.str() : "?")
             << " -> ";
      out_ << op.type.str();
      break;
    }
  }

private:
  void printOperands(const Op &op) {
    for (size_t i = 0; i < op.operands.size(); ++i) {
      const Op *v = op.operands[i];
      const std::string *name = v ? namer_.lookup(v) : nullptr;
      out_ << (i ? ", %" : " %") << (name ? *name : std::string("<undefined>"));
    }
  }

  void printQuantityRef(const Op &op) {
    out_ << " @" << (op.quantity ? op.quantity->name : std::string("<none>"));
  }

  void printInts(const std::vector<int64_t> &ints, bool asList) {
    if (ints.size() == 1 && !asList) {
      out_ << ints[0];
      return;
    }
    out_ << "[";
    for (size_t i = 0; i < ints.size(); ++i)
      out_ << (i ? ", " : "") << ints[i];
    out_ << "]";
  }

  /// The attribute dictionary of the kinds that have one; other kinds use
  /// no integer attributes.
  void printAttrs(const Op &op) {
    const char *key = nullptr;
    switch (op.kind) {
    case OpKind::Powi: key = "n"; break;
    case OpKind::Bcast: key = "axis"; break;
    case OpKind::Extract: key = "index"; break;
    case OpKind::OneHot: key = "flat"; break;
    case OpKind::RandNormal:
    case OpKind::RandUniform: key = "stream"; break;
    default: return;
    }
    bool asList = op.kind == OpKind::Extract;
    if (op.attrs.ints.empty() && !asList)
      return;
    out_ << " {" << key << " = ";
    printInts(op.attrs.ints, asList);
    out_ << "}";
  }

  std::ostream &out_;
  const RegionNamer &namer_;
};

class ModulePrinter {
public:
  explicit ModulePrinter(std::ostream &out) : out_(out) {}

  void print(const Module &m) {
    out_ << "module @" << m.name << " lanes " << m.lanes;
    if (m.estimator != Estimator::Pathwise)
      out_ << " estimator " << estimatorName(m.estimator);
    out_ << " {\n";
    for (const Dim &d : m.dims)
      out_ << "  dim " << d.name << " = " << d.value << "\n";
    if (!m.dims.empty())
      out_ << "\n";
    for (const auto &q : m.quantities)
      printQuantity(*q);
    if (!m.quantities.empty())
      out_ << "\n";
    bool first = true;
    for (const Region *r : m.regions()) {
      if (!first)
        out_ << "\n";
      first = false;
      printRegion(*r);
    }
    out_ << "}\n";
  }

private:
  void printQuantity(const Quantity &q) {
    out_ << "  " << quantityKindName(q.kind) << " @" << q.name << " : " << q.type.str();
    if (q.plastic)
      out_ << " plastic";
    if (q.hasTangent)
      out_ << " tangent";
    if (q.score)
      out_ << " score";
    if (q.kind == QuantityKind::Noise && !q.noise.standardNormal()) {
      out_ << " " << noiseDistName(q.noise.kind) << "(" << formatDouble(q.noise.a);
      if (q.noise.kind != NoiseDist::Bernoulli)
        out_ << ", " << formatDouble(q.noise.b);
      out_ << ")";
    }
    printLoc(out_, q.loc);
    out_ << "\n";
  }

  void printRegion(const Region &r) {
    out_ << "  region " << r.name << " {\n";
    RegionNamer namer;
    for (const auto &op : r.ops)
      printOp(*op, namer);
    out_ << "  }\n";
  }

  void printOp(const Op &op, RegionNamer &namer) {
    // The body is printed before the result is named, so an op that uses
    // itself shows up as undefined instead of looking well formed.
    std::ostringstream body;
    OpBodyPrinter(body, namer).print(op);
    out_ << "    ";
    if (op.hasResult())
      out_ << "%" << namer.assign(op) << " = ";
    out_ << body.str();
    printLoc(out_, op.loc);
    out_ << "\n";
  }

  std::ostream &out_;
};

} // namespace

void printModule(const Module &module, std::ostream &out) { ModulePrinter(out).print(module); }

std::string printModule(const Module &module) {
  std::ostringstream s;
  printModule(module, s);
  return s.str();
}

} // namespace plasticc::ir
