//===- compiler/codegen/LLVMCodegen.cpp - loop IR -> LLVM IR --------------===//
#include "compiler/codegen/LLVMCodegen.h"

#include "compiler/codegen/LLVMCompat.h"
#include "dialect/Random.h"
#include "support/Diagnostics.h"

#include <llvm/IR/Constants.h>
#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include <map>
#include <set>

namespace plasticc::codegen {

namespace {

using loops::Buffer;
using loops::BufferKind;
using loops::Expr;
using loops::ExprPtr;
using loops::Stmt;

/// Temporaries live on the stack up to this many bytes per entry point (so
/// that a model runs on threads with small stacks), the rest on the heap.
constexpr int64_t kMaxStackTempBytes = 256 * 1024;

/// The elementwise ops that are one call, with the scalar meaning of
/// runtime/Elementwise.h: an LLVM intrinsic where LLVM lowers it on every
/// target (sqrt, fabs, sin, cos, floor, ceil; sin and cos become the C
/// library's calls), else the C library function (with an f suffix in
/// single precision). The JIT binds these names (runtime/jit/JIT.cpp).
struct Call {
  ir::OpKind kind;
  llvm::Intrinsic::ID intrinsic;
  const char *libm; // null: the intrinsic
};
constexpr Call kCalls[] = {
    {ir::OpKind::Sqrt, llvm::Intrinsic::sqrt, nullptr},
    {ir::OpKind::Abs, llvm::Intrinsic::fabs, nullptr},
    {ir::OpKind::Sin, llvm::Intrinsic::sin, nullptr},
    {ir::OpKind::Cos, llvm::Intrinsic::cos, nullptr},
    {ir::OpKind::Floor, llvm::Intrinsic::floor, nullptr},
    {ir::OpKind::Ceil, llvm::Intrinsic::ceil, nullptr},
    {ir::OpKind::Tanh, {}, "tanh"},
    {ir::OpKind::Exp, {}, "exp"},
    {ir::OpKind::Log, {}, "log"},
    {ir::OpKind::Tan, {}, "tan"},
    {ir::OpKind::Asin, {}, "asin"},
    {ir::OpKind::Acos, {}, "acos"},
    {ir::OpKind::Atan, {}, "atan"},
    {ir::OpKind::Sinh, {}, "sinh"},
    {ir::OpKind::Cosh, {}, "cosh"},
    {ir::OpKind::Log1p, {}, "log1p"},
    {ir::OpKind::Expm1, {}, "expm1"},
    {ir::OpKind::Pow, {}, "pow"},
    {ir::OpKind::Atan2, {}, "atan2"},
};

/// Emits one module; a class to share the builder and the types.
class Emitter {
public:
  Emitter(const loops::Program &p, const ModelDescriptor &d, llvm::LLVMContext &ctx, bool contract)
      : p_(p), d_(d), ctx_(ctx), b_(ctx), contract_(contract) {
    mod_ = std::make_unique<llvm::Module>(p.modelName, ctx);
    f64_ = llvm::Type::getDoubleTy(ctx);
    elem_ = p.elem == ir::ElemType::F64 ? f64_ : llvm::Type::getFloatTy(ctx);
    i64_ = llvm::Type::getInt64Ty(ctx);
    i32_ = llvm::Type::getInt32Ty(ctx);
    ptr_ = llvm::PointerType::getUnqual(ctx);
  }

  std::unique_ptr<llvm::Module> run() {
    emitDescriptor();
    for (const loops::Function &f : p_.functions)
      emitFunction(f);
    std::string err;
    llvm::raw_string_ostream os(err);
    PLASTICC_INTERNAL_ASSERT(!llvm::verifyModule(*mod_, &os), "invalid LLVM IR: " + os.str());
    return std::move(mod_);
  }

private:
  // ---- descriptor -------------------------------------------------------

  llvm::Constant *cstring(const std::string &s, const std::string &name) {
    auto *init = llvm::ConstantDataArray::getString(ctx_, s, true);
    auto *g = new llvm::GlobalVariable(*mod_, init->getType(), true,
                                       llvm::GlobalValue::PrivateLinkage, init, name);
    g->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
    return g;
  }

  llvm::Constant *i32c(int64_t v) { return llvm::ConstantInt::get(i32_, v, true); }
  llvm::Constant *i64c(int64_t v) { return llvm::ConstantInt::get(i64_, v, true); }

  void emitDescriptor() {
    auto *qTy = llvm::StructType::create(
        ctx_, {ptr_, i32_, i32_, i32_, i32_, llvm::ArrayType::get(i64_, 2), i64_, i64_, i64_,
               llvm::ArrayType::get(f64_, 2)},
        "plasticc_quantity");
    auto *infoTy = llvm::StructType::create(
        ctx_, {i32_, i32_, ptr_, ptr_, i64_, i64_, i64_, i64_, i64_, i64_, i64_, ptr_, i32_, i32_, i64_},
        "plasticc_model_info");
    int32_t elem = d_.elem == ir::ElemType::F64 ? 0 : 1;
    std::vector<llvm::Constant *> qs;
    for (const QuantityDescriptor &q : d_.quantities) {
      bool io = q.kind == ir::QuantityKind::Input || q.kind == ir::QuantityKind::Noise;
      qs.push_back(llvm::ConstantStruct::get(
          qTy, {cstring(q.name, "name." + q.name), i32c(static_cast<int>(q.kind)), i32c(io ? 0 : elem),
                i32c(q.rank), i32c(static_cast<int>(q.noise.kind)),
                llvm::ConstantArray::get(llvm::ArrayType::get(i64_, 2), {i64c(q.shape[0]), i64c(q.shape[1])}),
                i64c(q.offset), i64c(q.initOffset), i64c(q.tangentOffset),
                llvm::ConstantArray::get(llvm::ArrayType::get(f64_, 2),
                                         {llvm::ConstantFP::get(f64_, q.noise.a),
                                          llvm::ConstantFP::get(f64_, q.noise.b)})}));
    }
    auto *arrTy = llvm::ArrayType::get(qTy, qs.size());
    auto *table = new llvm::GlobalVariable(*mod_, arrTy, true, llvm::GlobalValue::PrivateLinkage,
                                           llvm::ConstantArray::get(arrTy, qs), "plasticc.quantities");
    auto *info = llvm::ConstantStruct::get(
        infoTy, {i32c(d_.abiVersion), i32c(elem), cstring(d_.name, "model.name"),
                 cstring(d_.sourceSha256, "model.sha256"), i64c(d_.numMeta), i64c(d_.tangentLanes),
                 i64c(d_.stateBytes), i64c(d_.stateAlign), i64c(d_.inputLength),
                 i64c(d_.noiseLength), i64c(static_cast<int64_t>(qs.size())), table,
                 i32c(static_cast<int>(d_.estimator)), i32c(d_.scoreQuantity), i64c(d_.outputLength)});
    auto *g = new llvm::GlobalVariable(*mod_, infoTy, true, llvm::GlobalValue::PrivateLinkage, info,
                                       "plasticc.info");
    auto *fn = llvm::Function::Create(llvm::FunctionType::get(ptr_, {}, false),
                                      llvm::GlobalValue::ExternalLinkage, "plasticc_info", *mod_);
    fn->addFnAttr(llvm::Attribute::NoUnwind);
    b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", fn));
    b_.CreateRet(g);
  }

  // ---- functions --------------------------------------------------------

  void collectBuffers(const ExprPtr &e, std::set<int> &out) {
    if (e->kind == Expr::Load)
      out.insert(e->buffer);
    for (const ExprPtr &a : e->args)
      collectBuffers(a, out);
  }

  void collectBuffers(const std::vector<Stmt> &body, std::set<int> &out) {
    for (const Stmt &s : body) {
      if (s.kind == Stmt::CallStep) // the callee's arguments (it has its own temporaries)
        for (const loops::Function &callee : p_.functions)
          if (callee.name == s.comment) {
            std::set<int> theirs;
            collectBuffers(callee.body, theirs);
            for (int b : theirs)
              if (p_.buffers[b].kind != BufferKind::Temp)
                out.insert(b);
          }
      if (s.buffer >= 0)
        out.insert(s.buffer);
      if (s.value)
        collectBuffers(s.value, out);
      collectBuffers(s.body, out);
      collectBuffers(s.orElse, out);
    }
  }

  llvm::Type *bufferElem(int buffer) const {
    BufferKind k = p_.buffers[buffer].kind;
    return k == BufferKind::State || k == BufferKind::Temp ? elem_ : f64_;
  }

  static bool wholeTrial(const std::string &name) { return name.rfind("plasticc_run_trial", 0) == 0; }

  /// The C signature of each entry point.
  llvm::FunctionType *abiType(const std::string &name) {
    llvm::Type *vd = llvm::Type::getVoidTy(ctx_);
    if (name == "plasticc_init")
      return llvm::FunctionType::get(vd, {ptr_, ptr_, i64_}, false);
    if (name == "plasticc_begin_trial" || name == "plasticc_set_trial_start")
      return llvm::FunctionType::get(vd, {ptr_}, false);
    if (name == "plasticc_end_trial")
      return llvm::FunctionType::get(f64_, {ptr_, ptr_}, false);
    if (wholeTrial(name)) // (state, inputs, noise, steps, outputs, dR_dmeta)
      return llvm::FunctionType::get(f64_, {ptr_, ptr_, ptr_, i64_, ptr_, ptr_}, false);
    return llvm::FunctionType::get(vd, {ptr_, ptr_, ptr_}, false);
  }

  void emitFunction(const loops::Function &f) {
    std::set<int> used;
    collectBuffers(f.body, used);
    std::vector<int> params, temps;
    for (int b : used)
      (p_.buffers[b].kind == BufferKind::Temp ? temps : params).push_back(b);

    // The implementation: one noalias pointer per buffer, the seed and the
    // step count (run_trial's; 0 elsewhere).
    std::vector<llvm::Type *> types(params.size(), ptr_);
    types.push_back(i64_);
    types.push_back(i64_);
    llvm::Type *ret = f.returnsValue ? f64_ : llvm::Type::getVoidTy(ctx_);
    auto *impl = llvm::Function::Create(llvm::FunctionType::get(ret, types, false),
                                        llvm::GlobalValue::InternalLinkage, f.name + ".impl", *mod_);
    // A step's body is also called from run_trial's time loop (CallStep):
    // kept out of line there, and called once more by its wrapper.
    bool called = f.name == "plasticc_step" || f.name == "plasticc_step_primal";
    impl->addFnAttr(called ? llvm::Attribute::NoInline : llvm::Attribute::AlwaysInline);
    impl->addFnAttr(llvm::Attribute::NoUnwind);
    impls_[f.name] = {impl, params};
    for (size_t k = 0; k < params.size(); ++k) {
      impl->addParamAttr(k, llvm::Attribute::NoAlias);
      impl->getArg(k)->setName(p_.buffers[params[k]].name);
    }
    impl->getArg(params.size())->setName("seed");
    impl->getArg(params.size() + 1)->setName("steps");
    emitImpl(f, impl, params, temps);
    emitWrapper(f, impl, params);
  }

  void emitWrapper(const loops::Function &f, llvm::Function *impl, const std::vector<int> &params) {
    auto *fn = llvm::Function::Create(abiType(f.name), llvm::GlobalValue::ExternalLinkage, f.name, *mod_);
    fn->addFnAttr(llvm::Attribute::NoUnwind);
    b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", fn));
    llvm::Value *state = fn->getArg(0);
    state->setName("state");
    if (f.zeroStateFirst)
      b_.CreateMemSet(state, b_.getInt8(0), p_.stateBytes, llvm::MaybeAlign(8));
    std::vector<llvm::Value *> args;
    for (int b : params) {
      const Buffer &buf = p_.buffers[b];
      switch (buf.kind) {
      case BufferKind::State:
        args.push_back(b_.CreateInBoundsGEP(b_.getInt8Ty(), state, i64c(buf.offset), buf.name));
        break;
      case BufferKind::Input:
      case BufferKind::Noise:
        args.push_back(b_.CreateInBoundsGEP(f64_, fn->getArg(buf.kind == BufferKind::Input ? 1 : 2),
                                            i64c(buf.offset), buf.name));
        break;
      case BufferKind::Meta:
        args.push_back(fn->getArg(1));
        break;
      case BufferKind::DR:
        args.push_back(fn->getArg(wholeTrial(f.name) ? 5 : 1));
        break;
      case BufferKind::Output:
        args.push_back(fn->getArg(4));
        break;
      case BufferKind::Temp:
        break;
      }
    }
    args.push_back(f.name == "plasticc_init" ? static_cast<llvm::Value *>(fn->getArg(2)) : i64c(0));
    args.push_back(wholeTrial(f.name) ? static_cast<llvm::Value *>(fn->getArg(3)) : i64c(0));
    llvm::Value *r = b_.CreateCall(impl, args);
    if (f.returnsValue)
      b_.CreateRet(r);
    else
      b_.CreateRetVoid();
  }

  void emitImpl(const loops::Function &f, llvm::Function *impl, const std::vector<int> &params,
                const std::vector<int> &temps) {
    fn_ = impl;
    // FMA contraction (LLVM fuses an fmul and an fadd that both carry
    // `contract`): not in init, so that initial networks are bit for bit
    // the interpreter's (random draws, initialiser expressions), nor in
    // set_trial_start, which computes initialisers again.
    llvm::FastMathFlags fmf;
    bool initialisers = f.name == "plasticc_init" || f.name == "plasticc_set_trial_start";
    fmf.setAllowContract(contract_ && !initialisers);
    b_.setFastMathFlags(fmf);
    ptrs_.clear();
    lets_.clear();
    vars_.clear();
    heap_.clear();
    b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", impl));
    for (size_t k = 0; k < params.size(); ++k)
      ptrs_[params[k]] = impl->getArg(k);
    seed_ = impl->getArg(params.size());
    steps_ = impl->getArg(params.size() + 1);
    int64_t elemBytes = p_.elem == ir::ElemType::F64 ? 8 : 4;
    int64_t stackBytes = 0;
    for (int t : temps) {
      const Buffer &buf = p_.buffers[t];
      int64_t bytes = (std::max<int64_t>(1, buf.size) * elemBytes + 63) / 64 * 64;
      if (!f.heapTemps && stackBytes + bytes <= kMaxStackTempBytes) {
        stackBytes += bytes;
        auto *a = b_.CreateAlloca(elem_, i64c(std::max<int64_t>(1, buf.size)), buf.name);
        a->setAlignment(llvm::Align(64));
        ptrs_[t] = a;
      } else {
        ptrs_[t] = b_.CreateCall(libFunc("malloc", ptr_, {i64_}), {i64c(bytes)}, buf.name);
        heap_.push_back(ptrs_[t]);
      }
    }
    bool returned = block(f.body);
    if (!returned) {
      freeTemps();
      if (f.returnsValue)
        b_.CreateRet(llvm::ConstantFP::get(f64_, 0.0));
      else
        b_.CreateRetVoid();
    }
  }

  void freeTemps() {
    for (llvm::Value *h : heap_)
      b_.CreateCall(libFunc("free", llvm::Type::getVoidTy(ctx_), {ptr_}), {h});
  }

  llvm::Function *libFunc(const std::string &name, llvm::Type *ret, std::vector<llvm::Type *> args) {
    auto callee = mod_->getOrInsertFunction(name, llvm::FunctionType::get(ret, args, false));
    return llvm::cast<llvm::Function>(callee.getCallee());
  }

  // ---- statements -------------------------------------------------------

  /// Emits a block; true if it ended in a return.
  bool block(const std::vector<Stmt> &body) {
    for (const Stmt &s : body)
      if (stmt(s))
        return true;
    return false;
  }

  bool stmt(const Stmt &s) {
    switch (s.kind) {
    case Stmt::For:
      if (s.extent > 0)
        countedLoop(s, i64c(1), i64c(s.extent), false);
      return false;
    case Stmt::Segments:
      countedLoop(s, i64c(s.extent), steps_, true);
      return false;
    case Stmt::CallStep: {
      auto &[callee, params] = impls_.at(s.comment);
      std::vector<llvm::Value *> args;
      for (int b : params) {
        BufferKind k = p_.buffers[b].kind;
        llvm::Value *ptr = ptrs_.at(b);
        if (k == BufferKind::Input || k == BufferKind::Noise) // step t's entries
          ptr = b_.CreateGEP(f64_, ptr, b_.CreateMul(vars_.at(s.var), i64c(k == BufferKind::Input ? s.inputStride : s.noiseStride)));
        args.push_back(ptr);
      }
      args.push_back(i64c(0)); // seed
      args.push_back(i64c(0)); // steps
      b_.CreateCall(callee, args);
      return false;
    }
    case Stmt::SegmentSteps: {
      llvm::Value *bound = steps_;
      if (s.segment >= 0) { // min(extent, steps - t0)
        llvm::Value *left = b_.CreateSub(steps_, vars_.at(s.segment), "left", false, true);
        bound = b_.CreateSelect(b_.CreateICmpSLT(left, i64c(s.extent)), left, i64c(s.extent), "len");
      }
      countedLoop(s, i64c(1), bound, true);
      return false;
    }
    case Stmt::Let:
      lets_[s.id] = expr(s.value);
      return false;
    case Stmt::Store: {
      llvm::Value *v = convert(expr(s.value), bufferElem(s.buffer));
      b_.CreateStore(v, address(s.buffer, s.index));
      return false;
    }
    case Stmt::Reduce: {
      llvm::Value *addr = address(s.buffer, s.index);
      llvm::Value *old = b_.CreateLoad(bufferElem(s.buffer), addr);
      llvm::Value *term = convert(expr(s.value), bufferElem(s.buffer));
      llvm::IRBuilder<>::FastMathFlagGuard guard(b_);
      llvm::FastMathFlags fmf = b_.getFastMathFlags();
      fmf.setAllowReassoc(); // reductions only: lets them vectorise
      b_.setFastMathFlags(fmf);
      b_.CreateStore(b_.CreateFAdd(old, term), addr);
      return false;
    }
    case Stmt::If: {
      llvm::Value *present = b_.CreateIsNotNull(ptrs_.at(s.buffer));
      auto *then = llvm::BasicBlock::Create(ctx_, "present", fn_);
      auto *other = llvm::BasicBlock::Create(ctx_, "absent", fn_);
      auto *join = llvm::BasicBlock::Create(ctx_, "join", fn_);
      b_.CreateCondBr(present, then, other);
      b_.SetInsertPoint(then);
      block(s.body);
      b_.CreateBr(join);
      b_.SetInsertPoint(other);
      block(s.orElse);
      b_.CreateBr(join);
      b_.SetInsertPoint(join);
      return false;
    }
    case Stmt::Return: {
      llvm::Value *v = convert(expr(s.value), f64_);
      freeTemps();
      b_.CreateRet(v);
      return true;
    }
    }
    return false;
  }

  /// for (var = 0; var < bound; var += stride) { body }; `runtime`: the
  /// bound is a value (run_trial's steps), tested before the first iteration.
  void countedLoop(const Stmt &s, llvm::Value *stride, llvm::Value *bound, bool runtime) {
    llvm::BasicBlock *pre = b_.GetInsertBlock();
    std::string name = p_.vars[s.var];
    auto *header = llvm::BasicBlock::Create(ctx_, name + ".loop", fn_);
    auto *exit = llvm::BasicBlock::Create(ctx_, name + ".exit", fn_);
    if (runtime)
      b_.CreateCondBr(b_.CreateICmpSLT(i64c(0), bound), header, exit);
    else
      b_.CreateBr(header);
    b_.SetInsertPoint(header);
    llvm::PHINode *iv = b_.CreatePHI(i64_, 2, name);
    iv->addIncoming(i64c(0), pre);
    vars_[s.var] = iv;
    block(s.body);
    llvm::Value *next = b_.CreateAdd(iv, stride, name + ".next", true, true);
    iv->addIncoming(next, b_.GetInsertBlock());
    auto *br = b_.CreateCondBr(runtime ? b_.CreateICmpSLT(next, bound) : b_.CreateICmpULT(next, bound),
                               header, exit);
    bool outer = runtime;
    for (const Stmt &inner : s.body)
      outer = outer || inner.kind == Stmt::For || inner.kind == Stmt::SegmentSteps;
    if (outer) // only innermost loops unroll: keeps blocks (and compile time) small
      br->setMetadata(llvm::LLVMContext::MD_loop, noUnroll());
    b_.SetInsertPoint(exit);
  }

  /// Self-referential loop metadata {self, !"llvm.loop.unroll.disable"}.
  llvm::MDNode *noUnroll() {
    llvm::Metadata *disable = llvm::MDNode::get(ctx_, llvm::MDString::get(ctx_, "llvm.loop.unroll.disable"));
    llvm::MDNode *md = llvm::MDNode::getDistinct(ctx_, {nullptr, disable});
    md->replaceOperandWith(0, md);
    return md;
  }

  llvm::Value *index(const loops::Index &ix) {
    llvm::Value *v = i64c(ix.c);
    for (auto [var, coef] : ix.terms) {
      if (coef == 0)
        continue;
      llvm::Value *t = vars_.at(var);
      // nsw only: offsets may be negative (one-hot seeds: p - k).
      if (coef != 1)
        t = b_.CreateMul(t, i64c(coef), "", false, true);
      v = b_.CreateAdd(v, t, "", false, true);
    }
    return v;
  }

  llvm::Value *address(int buffer, const loops::Index &ix) {
    return b_.CreateInBoundsGEP(bufferElem(buffer), ptrs_.at(buffer), index(ix));
  }

  llvm::Value *convert(llvm::Value *v, llvm::Type *to) {
    if (v->getType() == to)
      return v;
    return to == f64_ ? b_.CreateFPExt(v, to) : b_.CreateFPTrunc(v, to);
  }

  // ---- expressions ------------------------------------------------------

  llvm::Value *fc(double v) { return llvm::ConstantFP::get(elem_, v); }

  llvm::Value *expr(const ExprPtr &e) {
    switch (e->kind) {
    case Expr::Const:
      return fc(e->value);
    case Expr::Load:
      return convert(b_.CreateLoad(bufferElem(e->buffer), address(e->buffer, e->index)), elem_);
    case Expr::Ref:
      return lets_.at(e->id);
    case Expr::OneHot:
      return b_.CreateSelect(b_.CreateICmpEQ(index(e->index), i64c(e->n)), fc(1.0), fc(0.0));
    case Expr::Random:
      return random(*e);
    case Expr::MetaOr: {
      // Never loads through a null pointer: reads a zero when absent.
      llvm::Value *meta = ptrs_.at(e->buffer);
      llvm::Value *present = b_.CreateIsNotNull(meta);
      llvm::Value *at = b_.CreateSelect(present, b_.CreateInBoundsGEP(f64_, meta, index(e->index)),
                                        zeroGlobal());
      llvm::Value *given = convert(b_.CreateLoad(f64_, at), elem_);
      return b_.CreateSelect(present, given, expr(e->args[0]));
    }
    case Expr::Op:
      break;
    }
    std::vector<llvm::Value *> a;
    for (const ExprPtr &x : e->args)
      a.push_back(expr(x));
    return op(e->op, a, e->n);
  }

  llvm::Constant *zeroGlobal() {
    if (!zero_)
      zero_ = new llvm::GlobalVariable(*mod_, f64_, true, llvm::GlobalValue::PrivateLinkage,
                                       llvm::ConstantFP::get(f64_, 0.0), "plasticc.zero");
    return zero_;
  }

  llvm::Value *libm(const char *name, std::vector<llvm::Value *> args) {
    std::string n = name;
    if (elem_ != f64_)
      n += "f";
    std::vector<llvm::Type *> ts(args.size(), elem_);
    return b_.CreateCall(libFunc(n, elem_, ts), args);
  }

  llvm::Value *intrinsic(llvm::Intrinsic::ID id, llvm::Value *x) {
    return b_.CreateUnaryIntrinsic(id, x);
  }

  llvm::Value *mask(llvm::Value *cond) { return b_.CreateSelect(cond, fc(1.0), fc(0.0)); }
  /// min/max with the dialect's tie rule: the first operand wins at ties.
  llvm::Value *minOf(llvm::Value *x, llvm::Value *y) {
    return b_.CreateSelect(b_.CreateFCmpOLT(y, x), y, x);
  }
  llvm::Value *maxOf(llvm::Value *x, llvm::Value *y) {
    return b_.CreateSelect(b_.CreateFCmpOGT(y, x), y, x);
  }

  /// An op that is one call (kCalls), or null.
  llvm::Value *call(ir::OpKind k, const std::vector<llvm::Value *> &a) {
    for (const Call &c : kCalls) {
      if (c.kind != k)
        continue;
      if (c.libm)
        return libm(c.libm, a);
      return intrinsic(c.intrinsic, a[0]);
    }
    return nullptr;
  }

  llvm::Value *op(ir::OpKind k, const std::vector<llvm::Value *> &a, int64_t n) {
    using ir::OpKind;
    if (llvm::Value *v = call(k, a))
      return v;
    switch (k) {
    case OpKind::Neg: return b_.CreateFNeg(a[0]);
    case OpKind::Sigmoid:
      return b_.CreateFDiv(fc(1.0), b_.CreateFAdd(fc(1.0), libm("exp", {b_.CreateFNeg(a[0])})));
    case OpKind::Softplus: { // max(x, 0) + log1p(e^-|x|), runtime::elementwise::softplus
      llvm::Value *e = libm("exp", {b_.CreateFNeg(intrinsic(llvm::Intrinsic::fabs, a[0]))});
      return b_.CreateFAdd(maxOf(a[0], fc(0.0)), libm("log1p", {e}));
    }
    case OpKind::Relu: return maxOf(a[0], fc(0.0));
    case OpKind::Step: return mask(b_.CreateFCmpOGT(a[0], fc(0.0)));
    case OpKind::Sign: // x > 0 ? 1 : x < 0 ? -1 : x (zeros and nan stay)
      return b_.CreateSelect(b_.CreateFCmpOGT(a[0], fc(0.0)), fc(1.0),
                             b_.CreateSelect(b_.CreateFCmpOLT(a[0], fc(0.0)), fc(-1.0), a[0]));
    case OpKind::Powi: {
      // Binary exponentiation in runtime::elementwise::powi's order (that of
      // compiler-rt's __powidf2), so the rounding is the interpreter's.
      llvm::Value *r = nullptr, *x = a[0];
      for (int64_t m = n; m > 0;) {
        if (m & 1)
          r = r ? b_.CreateFMul(r, x) : b_.CreateFMul(fc(1.0), x);
        m /= 2;
        if (m == 0)
          break;
        x = b_.CreateFMul(x, x);
      }
      return r ? r : fc(1.0);
    }
    case OpKind::Add: return b_.CreateFAdd(a[0], a[1]);
    case OpKind::Sub: return b_.CreateFSub(a[0], a[1]);
    case OpKind::Mul: return b_.CreateFMul(a[0], a[1]);
    case OpKind::MulChecked: // 0 where y == 0, even if x is inf or nan
      return b_.CreateSelect(b_.CreateFCmpOEQ(a[1], fc(0.0)), fc(0.0), b_.CreateFMul(a[0], a[1]));
    case OpKind::Div: return b_.CreateFDiv(a[0], a[1]);
    case OpKind::Min: return minOf(a[0], a[1]);
    case OpKind::Max: return maxOf(a[0], a[1]);
    case OpKind::Lt: return mask(b_.CreateFCmpOLT(a[0], a[1]));
    case OpKind::Le: return mask(b_.CreateFCmpOLE(a[0], a[1]));
    case OpKind::Gt: return mask(b_.CreateFCmpOGT(a[0], a[1]));
    case OpKind::Ge: return mask(b_.CreateFCmpOGE(a[0], a[1]));
    case OpKind::Eq: return mask(b_.CreateFCmpOEQ(a[0], a[1]));
    case OpKind::Ne: return mask(b_.CreateFCmpUNE(a[0], a[1]));
    case OpKind::Select: return b_.CreateSelect(b_.CreateFCmpUNE(a[0], fc(0.0)), a[1], a[2]);
    case OpKind::Clip: return minOf(maxOf(a[0], a[1]), a[2]);
    default:
      break;
    }
    PLASTICC_INTERNAL_ASSERT(false, std::string("no codegen for ") + ir::mnemonic(k));
  }

  // ---- random draws (dialect/Random.h, bit for bit) ----------------------

  llvm::Value *mix64(llvm::Value *z) {
    z = b_.CreateMul(b_.CreateXor(z, b_.CreateLShr(z, 30)), b_.getInt64(0xbf58476d1ce4e5b9ULL));
    z = b_.CreateMul(b_.CreateXor(z, b_.CreateLShr(z, 27)), b_.getInt64(0x94d049bb133111ebULL));
    return b_.CreateXor(z, b_.CreateLShr(z, 31));
  }

  /// Uniform [0, 1) for counter k (an i64 value) of `stream`.
  llvm::Value *unit(int64_t stream, llvm::Value *k) {
    llvm::Value *s = b_.CreateAdd(seed_, b_.getInt64(0x9e3779b97f4a7c15ULL * (uint64_t(stream) + 1)));
    llvm::Value *bits = mix64(b_.CreateXor(mix64(s), b_.CreateMul(k, b_.getInt64(0xd1b54a32d192ed03ULL))));
    llvm::Value *u = b_.CreateUIToFP(b_.CreateLShr(bits, 11), f64_);
    return b_.CreateFMul(u, llvm::ConstantFP::get(f64_, 0x1.0p-53));
  }

  llvm::Value *random(const Expr &e) {
    // Never contracted (draws are bit-identical to dialect/Random.h), even
    // if a draw were ever emitted outside plasticc_init.
    llvm::IRBuilder<>::FastMathFlagGuard guard(b_);
    b_.clearFastMathFlags();
    llvm::Value *k = index(e.index);
    llvm::Value *a = convert(expr(e.args[0]), f64_), *b = convert(expr(e.args[1]), f64_);
    auto dbl = [&](const char *name, std::vector<llvm::Value *> args) {
      std::vector<llvm::Type *> ts(args.size(), f64_);
      return b_.CreateCall(libFunc(name, f64_, ts), args);
    };
    llvm::Value *r;
    if (e.op == ir::OpKind::RandUniform) {
      r = b_.CreateFAdd(a, b_.CreateFMul(b_.CreateFSub(b, a), unit(e.n, k)));
    } else {
      llvm::Value *k2 = b_.CreateMul(k, b_.getInt64(2));
      llvm::Value *u1 = b_.CreateFSub(llvm::ConstantFP::get(f64_, 1.0), unit(e.n, k2));
      llvm::Value *u2 = unit(e.n, b_.CreateAdd(k2, b_.getInt64(1)));
      llvm::Value *rad = b_.CreateUnaryIntrinsic(
          llvm::Intrinsic::sqrt, b_.CreateFMul(llvm::ConstantFP::get(f64_, -2.0), dbl("log", {u1})));
      llvm::Value *z =
          b_.CreateFMul(rad, dbl("cos", {b_.CreateFMul(llvm::ConstantFP::get(f64_, 6.283185307179586), u2)}));
      r = b_.CreateFAdd(a, b_.CreateFMul(b_.CreateUnaryIntrinsic(llvm::Intrinsic::sqrt, b), z));
    }
    return convert(r, elem_);
  }

  const loops::Program &p_;
  const ModelDescriptor &d_;
  llvm::LLVMContext &ctx_;
  llvm::IRBuilder<> b_;
  std::unique_ptr<llvm::Module> mod_;
  llvm::Type *f64_, *elem_, *i64_, *i32_;
  llvm::PointerType *ptr_;
  llvm::Function *fn_ = nullptr;
  llvm::Value *seed_ = nullptr;
  /// Each entry point's implementation and its buffer parameters (CallStep).
  std::map<std::string, std::pair<llvm::Function *, std::vector<int>>> impls_;
  llvm::Value *steps_ = nullptr; // run_trial's step count (0 in the other entry points)
  bool contract_;
  llvm::GlobalVariable *zero_ = nullptr;
  std::map<int, llvm::Value *> ptrs_, lets_, vars_;
  std::vector<llvm::Value *> heap_;
};

} // namespace

std::unique_ptr<llvm::Module> emitLLVM(const loops::Program &program, const ModelDescriptor &descriptor,
                                       llvm::LLVMContext &context, bool fpContract) {
  return Emitter(program, descriptor, context, fpContract).run();
}

} // namespace plasticc::codegen
