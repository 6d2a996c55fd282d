//===- compiler/codegen/LoopIR.cpp - loop IR factories and printer --------===//
#include "compiler/codegen/LoopIR.h"

#include <ostream>
#include <sstream>

namespace plasticc::loops {

Index Index::plus(const Index &o) const {
  Index r = *this;
  r.c += o.c;
  for (auto [v, k] : o.terms) {
    bool merged = false;
    for (auto &t : r.terms)
      if (t.first == v) {
        t.second += k;
        merged = true;
      }
    if (!merged)
      r.terms.push_back({v, k});
  }
  return r;
}

Index Index::times(int64_t k) const {
  Index r = *this;
  r.c *= k;
  for (auto &t : r.terms)
    t.second *= k;
  return r;
}

ExprPtr Expr::constant(double v) {
  auto e = std::make_shared<Expr>();
  e->kind = Const;
  e->value = v;
  return e;
}

ExprPtr Expr::load(int buffer, Index index) {
  auto e = std::make_shared<Expr>();
  e->kind = Load;
  e->buffer = buffer;
  e->index = std::move(index);
  return e;
}

ExprPtr Expr::ref(int id) {
  auto e = std::make_shared<Expr>();
  e->kind = Ref;
  e->id = id;
  return e;
}

ExprPtr Expr::make(ir::OpKind op, std::vector<ExprPtr> args, int64_t n) {
  auto e = std::make_shared<Expr>();
  e->kind = Op;
  e->op = op;
  e->args = std::move(args);
  e->n = n;
  return e;
}

ExprPtr Expr::oneHot(Index index, int64_t position) {
  auto e = std::make_shared<Expr>();
  e->kind = OneHot;
  e->index = std::move(index);
  e->n = position;
  return e;
}

ExprPtr Expr::random(ir::OpKind op, int64_t stream, Index element, ExprPtr a, ExprPtr b) {
  auto e = std::make_shared<Expr>();
  e->kind = Random;
  e->op = op;
  e->n = stream;
  e->index = std::move(element);
  e->args = {std::move(a), std::move(b)};
  return e;
}

ExprPtr Expr::metaOr(int buffer, Index index, ExprPtr fallback) {
  auto e = std::make_shared<Expr>();
  e->kind = MetaOr;
  e->buffer = buffer;
  e->index = std::move(index);
  e->args = {std::move(fallback)};
  return e;
}

Stmt Stmt::loop(int var, int64_t extent, std::vector<Stmt> body, std::string comment) {
  Stmt s;
  s.kind = For;
  s.var = var;
  s.extent = extent;
  s.body = std::move(body);
  s.comment = std::move(comment);
  return s;
}

Stmt Stmt::let(int id, ExprPtr value) {
  Stmt s;
  s.kind = Let;
  s.id = id;
  s.value = std::move(value);
  return s;
}

Stmt Stmt::store(int buffer, Index index, ExprPtr value) {
  Stmt s;
  s.kind = Store;
  s.buffer = buffer;
  s.index = std::move(index);
  s.value = std::move(value);
  return s;
}

Stmt Stmt::reduce(int buffer, Index index, ExprPtr value) {
  Stmt s = store(buffer, std::move(index), std::move(value));
  s.kind = Reduce;
  return s;
}

Stmt Stmt::ifPresent(int buffer, std::vector<Stmt> then, std::vector<Stmt> orElse) {
  Stmt s;
  s.kind = If;
  s.buffer = buffer;
  s.body = std::move(then);
  s.orElse = std::move(orElse);
  return s;
}

Stmt Stmt::ret(ExprPtr value) {
  Stmt s;
  s.kind = Return;
  s.value = std::move(value);
  return s;
}

Stmt Stmt::segments(int var, int64_t length, std::vector<Stmt> body, std::string comment) {
  Stmt s = loop(var, length, std::move(body), std::move(comment));
  s.kind = Segments;
  return s;
}

Stmt Stmt::segmentSteps(int var, int segmentVar, int64_t length, std::vector<Stmt> body,
                        std::string comment) {
  Stmt s = loop(var, length, std::move(body), std::move(comment));
  s.kind = SegmentSteps;
  s.segment = segmentVar;
  return s;
}

Stmt Stmt::callStep(std::string function, int stepVar, int64_t inputStride, int64_t noiseStride) {
  Stmt s;
  s.kind = CallStep;
  s.comment = std::move(function);
  s.var = stepVar;
  s.inputStride = inputStride;
  s.noiseStride = noiseStride;
  return s;
}

int Program::addBuffer(Buffer b) {
  buffers.push_back(std::move(b));
  return static_cast<int>(buffers.size()) - 1;
}

int Program::addVar(std::string name) {
  vars.push_back(std::move(name));
  return static_cast<int>(vars.size()) - 1;
}

namespace {

const char *kindName(BufferKind k) {
  switch (k) {
  case BufferKind::State: return "state";
  case BufferKind::Input: return "input";
  case BufferKind::Noise: return "noise";
  case BufferKind::Meta: return "meta";
  case BufferKind::DR: return "dR";
  case BufferKind::Temp: return "temp";
  case BufferKind::Output: return "outputs";
  }
  return "?";
}

/// Prints loop IR; a class only to carry the program and stream.
class Printer {
public:
  Printer(const Program &p, std::ostream &out) : p_(p), out_(out) {}

  void program() {
    const char *elem = p_.elem == ir::ElemType::F64 ? "f64" : "f32";
    out_ << "loops @" << p_.modelName << " " << elem << " state_bytes=" << p_.stateBytes << "\n";
    for (const std::string &line : p_.schedule)
      out_ << "  // " << line << "\n";
    for (size_t b = 0; b < p_.buffers.size(); ++b) {
      const Buffer &buf = p_.buffers[b];
      out_ << "  buffer @" << buf.name << " : " << kindName(buf.kind) << "[" << buf.size << "]";
      if (buf.kind == BufferKind::State)
        out_ << " at " << buf.offset;
      else if (buf.kind == BufferKind::Input || buf.kind == BufferKind::Noise)
        out_ << " at " << buf.offset;
      out_ << "\n";
    }
    for (const Function &f : p_.functions) {
      out_ << "\nfunc @" << f.name << " {\n";
      if (f.zeroStateFirst)
        out_ << "  zero @state[0.." << p_.stateBytes << " bytes]\n";
      block(f.body, 1);
      out_ << "}\n";
    }
  }

private:
  void indent(int depth) {
    for (int k = 0; k < depth; ++k)
      out_ << "  ";
  }

  std::string index(const Index &ix) {
    std::ostringstream s;
    bool first = true;
    for (auto [v, k] : ix.terms) {
      if (k == 0)
        continue;
      if (!first)
        s << " + ";
      if (k != 1)
        s << k << "*";
      s << p_.vars[v];
      first = false;
    }
    if (ix.c != 0 || first)
      s << (first ? "" : " + ") << ix.c;
    return s.str();
  }

  std::string expr(const ExprPtr &e) {
    std::ostringstream s;
    switch (e->kind) {
    case Expr::Const:
      s << e->value;
      break;
    case Expr::Load:
      s << "@" << p_.buffers[e->buffer].name << "[" << index(e->index) << "]";
      break;
    case Expr::Ref:
      s << "%" << e->id;
      break;
    case Expr::OneHot:
      s << "onehot(" << index(e->index) << " == " << e->n << ")";
      break;
    case Expr::Random:
      s << ir::mnemonic(e->op) << "(stream " << e->n << ", " << index(e->index) << ", "
        << expr(e->args[0]) << ", " << expr(e->args[1]) << ")";
      break;
    case Expr::MetaOr:
      s << "meta_or(@" << p_.buffers[e->buffer].name << "[" << index(e->index) << "], "
        << expr(e->args[0]) << ")";
      break;
    case Expr::Op:
      s << ir::mnemonic(e->op);
      if (e->op == ir::OpKind::Powi)
        s << "<" << e->n << ">";
      s << "(";
      for (size_t k = 0; k < e->args.size(); ++k)
        s << (k ? ", " : "") << expr(e->args[k]);
      s << ")";
      break;
    }
    return s.str();
  }

  void block(const std::vector<Stmt> &body, int depth) {
    for (const Stmt &s : body)
      stmt(s, depth);
  }

  /// The rest of a loop's header line (its comment) and its body.
  void loopBody(const Stmt &s, int depth) {
    if (!s.comment.empty())
      out_ << "  # " << s.comment;
    out_ << "\n";
    block(s.body, depth + 1);
    indent(depth);
    out_ << "}\n";
  }

  void stmt(const Stmt &s, int depth) {
    indent(depth);
    switch (s.kind) {
    case Stmt::For:
      out_ << "for " << p_.vars[s.var] << " in 0.." << s.extent << " {";
      loopBody(s, depth);
      break;
    case Stmt::Let:
      out_ << "%" << s.id << " = " << expr(s.value) << "\n";
      break;
    case Stmt::Store:
    case Stmt::Reduce:
      out_ << "@" << p_.buffers[s.buffer].name << "[" << index(s.index) << "] "
           << (s.kind == Stmt::Store ? "=" : "+=") << " " << expr(s.value) << "\n";
      break;
    case Stmt::If:
      out_ << "if @" << p_.buffers[s.buffer].name << " {\n";
      block(s.body, depth + 1);
      if (!s.orElse.empty()) {
        indent(depth);
        out_ << "} else {\n";
        block(s.orElse, depth + 1);
      }
      indent(depth);
      out_ << "}\n";
      break;
    case Stmt::Return:
      out_ << "return " << expr(s.value) << "\n";
      break;
    case Stmt::CallStep:
      out_ << "call @" << s.comment << "(inputs + " << s.inputStride << "*" << p_.vars[s.var]
           << ", noise + " << s.noiseStride << "*" << p_.vars[s.var] << ")\n";
      break;
    case Stmt::Segments:
    case Stmt::SegmentSteps:
      if (s.kind == Stmt::Segments)
        out_ << "for " << p_.vars[s.var] << " in 0..steps by " << s.extent << " {";
      else if (s.segment < 0)
        out_ << "for " << p_.vars[s.var] << " in 0..steps {";
      else
        out_ << "for " << p_.vars[s.var] << " in 0..min(" << s.extent << ", steps - "
             << p_.vars[s.segment] << ") {";
      loopBody(s, depth);
      break;
    }
  }

  const Program &p_;
  std::ostream &out_;
};

} // namespace

void printProgram(const Program &program, std::ostream &out) { Printer(program, out).program(); }

} // namespace plasticc::loops
