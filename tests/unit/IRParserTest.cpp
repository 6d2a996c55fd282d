//===- tests/unit/IRParserTest.cpp - reading .plir text --------------------===//
//
// Each kind of bad input is reported once, at its exact line:col in the
// .plir text, with the message of the rule it breaks (for type errors: the
// message of ir::inferType). Verifier findings on parsed input land on the
// op's .plir line. And the parser survives anything: every prefix of a
// valid module, random bytes, random edits, deep nesting, huge numbers.
//
//===----------------------------------------------------------------------===//
#include "DialectSamples.h"
#include "dialect/Parser.h"
#include "dialect/Printer.h"

#include <gtest/gtest.h>

#include <random>
#include <sstream>

using namespace plasticc;
using namespace plasticc::ir;

namespace {

struct Parsed {
  std::unique_ptr<Module> module;
  std::vector<Diagnostic> diags;
  std::string rendered;
  ParsedLocations locations;
};

Parsed parseText(const std::string &text) {
  auto file = std::make_shared<SourceFile>("t.plir", text);
  std::ostringstream out;
  DiagnosticEngine diag(file, out);
  Parsed p;
  p.module = parseModule(*file, diag, p.locations);
  p.diags = diag.diagnostics();
  p.rendered = out.str();
  return p;
}

/// A module whose step region holds `line` as its line 8 (after the read of
/// x on line 7); @x is a state, @u an input, @s a trace, @W a weight.
std::string withStepLine(const std::string &line) {
  return "module @m lanes 0 {\n"        // 1
         "  state @x : f64[3]\n"        // 2
         "  input @u : f64[3]\n"        // 3
         "  trace @s : f64\n"           // 4
         "  weight @W : f64[3,3]\n"     // 5
         "  region step {\n"            // 6
         "    %x = read @x : f64[3]\n"  // 7
         + line + "\n" +                // 8
         "  }\n"
         "  region reward {\n"
         "    %0 = const 0 : f64\n"
         "    ret %0\n"
         "  }\n"
         "}\n";
}

/// Expects exactly one error, at line:col, whose message contains `message`.
void expectError(const std::string &text, uint32_t line, uint32_t col, const std::string &message) {
  Parsed p = parseText(text);
  EXPECT_FALSE(p.module);
  int errors = 0;
  for (const Diagnostic &d : p.diags)
    errors += d.severity == Severity::Error;
  ASSERT_EQ(errors, 1) << p.rendered;
  const Diagnostic &d = p.diags[0];
  EXPECT_EQ(d.range.begin.line, line) << p.rendered;
  EXPECT_EQ(d.range.begin.col, col) << p.rendered;
  EXPECT_NE(d.message.find(message), std::string::npos)
      << "message: " << d.message << "\nwanted: " << message;
}

} // namespace

TEST(IRParser, AcceptsCommentsBlankLinesAndCRLF) {
  std::string text = "# RUN: a lit line\n\nmodule @m lanes 0 {   # trailing comment\r\n"
                     "  # a comment line\n  trace @s : f64 loc(3:1)\n\n"
                     "  region reward {\n    %R = const -1.5e-05 : f64\n    ret %R loc(9:2)\n  }\n}\n";
  Parsed p = parseText(text);
  ASSERT_TRUE(p.module) << p.rendered;
  EXPECT_EQ(p.module->quantities[0]->loc, (Loc{3, 1}));
  EXPECT_EQ(p.module->reward.ops[0]->attrs.value, -1.5e-05);
  EXPECT_EQ(p.module->reward.ops[1]->loc, (Loc{9, 2}));
}

TEST(IRParser, MissingRegionsAreEmptyAndOrderIsFree) {
  Parsed p = parseText("module @m lanes 0 {\n  region reward {\n    %0 = const 0 : f64\n"
                       "    ret %0\n  }\n  trace @s : f64\n  region trial {\n"
                       "    %0 = const 1 : f64\n    write @s, %0\n  }\n}\n");
  ASSERT_TRUE(p.module) << p.rendered;
  EXPECT_TRUE(p.module->step.ops.empty());
  EXPECT_EQ(p.module->trial.ops.size(), 2u);
}

TEST(IRParser, RecordsThePlirPlaceOfEveryOp) {
  Parsed p = parseText(withStepLine("    %r = tanh %x : f64[3] loc(40:7)"));
  ASSERT_TRUE(p.module) << p.rendered;
  const Op *tanh = p.module->step.ops[1].get();
  EXPECT_EQ(tanh->loc, (Loc{40, 7}));                 // the .plast place, as written
  EXPECT_EQ(p.locations.at(tanh), (Loc{8, 5}));       // its place in the .plir text
  EXPECT_EQ(p.locations.at(nullptr), (Loc{1, 1}));    // module-level findings
  EXPECT_EQ(p.locations.quantities.at(p.module->lookup("u")), (Loc{3, 3}));
  EXPECT_EQ(tanh->name, "r");
}

TEST(IRParser, NumberedNamesBecomeUnnamedOps) {
  Parsed p = parseText(withStepLine("    %17 = tanh %x : f64[3]\n    write @x, %17"));
  ASSERT_TRUE(p.module) << p.rendered;
  EXPECT_EQ(p.module->step.ops[1]->name, "");
}

TEST(IRParser, ErrorUnknownOp) {
  expectError(withStepLine("    %y = frob %x : f64[3]"), 8, 10, "unknown op 'frob'");
}

TEST(IRParser, ErrorUnknownQuantity) {
  expectError(withStepLine("    %y = read @nope : f64"), 8, 15, "unknown quantity '@nope'");
}

TEST(IRParser, ErrorUndefinedValue) {
  expectError(withStepLine("    %y = tanh %q : f64[3]"), 8, 15, "use of undefined value '%q'");
}

TEST(IRParser, ErrorUseBeforeDefinitionInTheSameRegion) {
  expectError(withStepLine("    %y = add %x, %z : f64[3]\n    %z = tanh %x : f64[3]"), 8, 18,
              "use of undefined value '%z'");
}

TEST(IRParser, ErrorValuesDoNotCrossRegions) {
  std::string text = "module @m lanes 0 {\n  region trial {\n    %a = const 1 : f64\n  }\n"
                     "  region reward {\n    %b = neg %a : f64\n    ret %b\n  }\n}\n";
  expectError(text, 6, 14, "use of undefined value '%a'");
}

TEST(IRParser, ErrorRedefinitionWithNote) {
  std::string text = withStepLine("    %x = neg %x : f64[3]");
  expectError(text, 8, 5, "redefinition of '%x'");
  Parsed p = parseText(text);
  ASSERT_EQ(p.diags.size(), 2u);
  EXPECT_EQ(p.diags[1].severity, Severity::Note);
  EXPECT_EQ(p.diags[1].range.begin, (Loc{7, 5}));
}

TEST(IRParser, ErrorWrongOperandCountUsesInferTypeMessage) {
  expectError(withStepLine("    %y = add %x : f64[3]"), 8, 10, "add takes 2 operands, got 1");
}

TEST(IRParser, ErrorTypeRuleUsesInferTypeMessage) {
  expectError(withStepLine("    %W = read @W : f64[3,3]\n    %y = add %x, %W : f64[3]"), 9, 10,
              "operand shapes differ: [3] vs [3,3]");
  expectError(withStepLine("    %y = matvec %x, %x : f64[3]"), 8, 10,
              "matvec needs [N,M] @ [M], got [3] vs [3]");
}

TEST(IRParser, ErrorWrittenTypeDisagreesWithInferredType) {
  expectError(withStepLine("    %y = tanh %x : f64[4]"), 8, 20,
              "written type f64[4] does not match the inferred type f64[3]");
  expectError(withStepLine("    %y = read @u : f64"), 8, 20,
              "written type f64 does not match the inferred type f64[3]");
}

TEST(IRParser, ErrorBcastOperandTypeMustMatchItsDefinition) {
  expectError(withStepLine("    %y = bcast %x {axis = 1} : f64[4] -> f64[3,3]"), 8, 32,
              "operand type f64[4] does not match its definition, f64[3]");
}

TEST(IRParser, ErrorMalformedType) {
  expectError(withStepLine("    %y = tanh %x : g64[3]"), 8, 20, "expected a type");
  expectError(withStepLine("    %y = tanh %x : f64[3"), 8, 25, "expected ']'");
  expectError(withStepLine("    %y = tanh %x : f64[3,3,3]"), 8, 27, "expected ']'");
  expectError(withStepLine("    %y = const 1 : f64[0]"), 8, 24, "a dimension must be in [1,");
  expectError(withStepLine("    %y = const 1 : f64<0>"), 8, 24, "tangent lanes must be in [1,");
  expectError(withStepLine("    %y = const 1 : f64[2147483648,2147483648]"), 8, 20, "is too large");
}

TEST(IRParser, ErrorBadAttribute) {
  expectError(withStepLine("    %y = powi %x {m = 2} : f64[3]"), 8, 19,
              "unknown attribute 'm' of 'powi' (expected 'n')");
  expectError(withStepLine("    %y = powi %x {n = 2, n = 3} : f64[3]"), 8, 26,
              "duplicate attribute 'n'");
  expectError(withStepLine("    %y = tanh %x {n = 2} : f64[3]"), 8, 19, "'tanh' takes no attributes");
  expectError(withStepLine("    %y = powi %x {n = 1.5} : f64[3]"), 8, 23, "expected an integer");
  expectError(withStepLine("    %y = extract %x {index = 1} : f64"), 8, 30, "a list of integers");
  expectError(withStepLine("    %y = extract %x {index = [3]} : f64"), 8, 10,
              "index 3 out of range for [3]");
  expectError(withStepLine("    %y = powi %x : f64[3]"), 8, 10, "powi needs one integer exponent");
  expectError(withStepLine("    %y = powi %x {n = -1} : f64[3]"), 8, 10,
              "powi needs one integer exponent");
}

TEST(IRParser, ErrorNumbersOutOfRange) {
  expectError(withStepLine("    %y = const 1e999 : f64"), 8, 16, "out of the range of f64");
  expectError(withStepLine("    %y = powi %x {n = 99999999999999999999} : f64[3]"), 8, 23,
              "out of range");
  expectError(withStepLine("    %y = const 12abc : f64"), 8, 16, "malformed number '12abc'");
}

TEST(IRParser, ErrorTrailingGarbage) {
  expectError(withStepLine("    %y = tanh %x : f64[3] junk"), 8, 27, "unexpected 'junk' after the op");
  std::string text = withStepLine("    write @x, %x") + "trailing\n";
  expectError(text, 15, 1, "expected end of file after the module, got 'trailing'");
}

TEST(IRParser, ErrorResultNaming) {
  expectError(withStepLine("    tanh %x : f64[3]"), 8, 5, "'tanh' produces a value");
  expectError(withStepLine("    %y = write @x, %x"), 8, 5, "'write' has no result to name");
}

TEST(IRParser, ErrorDeclarations) {
  expectError("module @m lanes 0 {\n  state @x : f64\n  trace @x : f64\n}\n", 3, 9,
              "redefinition of quantity '@x'");
  expectError("module @m lanes 0 {\n  dim N = 0\n}\n", 2, 11, "a dimension must be in [1,");
  expectError("module @m lanes 0 {\n  widget @x : f64\n}\n", 2, 3, "expected 'dim', a quantity kind");
  expectError("module @m lanes 0 {\n  state @x : f64<4>\n}\n", 2, 14, "primal");
  expectError("module @m lanes 0 {\n  state @x : f64 plastic plastic\n}\n", 2, 26,
              "duplicate flag 'plastic'");
  expectError("module @m lanes 0 {\n  region loop {\n  }\n}\n", 2, 10, "unknown region 'loop'");
  expectError("module @m lanes 0 {\n  state @x : f64 loc(0:3)\n}\n", 2, 22, "a line number");
}

TEST(IRParser, ErrorUnterminatedModuleAndRegion) {
  expectError("module @m lanes 0 {\n  region step {\n    %0 = const 1 : f64\n", 4, 1,
              "expected '}' at the end of region 'step'");
  expectError("module @m lanes 0 {\n  trace @s : f64\n", 3, 1, "expected '}' at the end of the module");
  expectError("", 1, 1, "expected 'module', got end of file");
}

TEST(IRParser, ErrorUnexpectedByte) {
  expectError(withStepLine("    %y = tanh %x : f64[3] \x01"), 8, 27, "unexpected byte 0x01");
}

TEST(IRParser, SeveralIndependentErrorsWithoutCascades) {
  // The failed definition of %y poisons it: its use on line 9 says nothing.
  Parsed p = parseText(withStepLine("    %y = frob %x : f64[3]\n    %z = tanh %y : f64[3]\n"
                                    "    %w = read @nope : f64"));
  EXPECT_FALSE(p.module);
  ASSERT_EQ(p.diags.size(), 2u) << p.rendered;
  EXPECT_EQ(p.diags[0].range.begin.line, 8u);
  EXPECT_EQ(p.diags[1].range.begin.line, 10u);
}

TEST(IRParser, VerifierFindingsAreReportedAtThePlirLine) {
  // Parses fine, but a step may not write a weight (verifier rule).
  expectError(withStepLine("    %W = read @W : f64[3,3]\n    write @W, %W"), 9, 5,
              "'write' of weight '@W' in region 'step'");
  // Module-level findings land on the module keyword.
  expectError("\nmodule @m lanes 0 {\n  state @x : f64 plastic\n  region reward {\n"
              "    %0 = const 0 : f64\n    ret %0\n  }\n}\n",
              2, 1, "only weights can be");
}

TEST(IRParser, NeverCrashesOnPrefixes) {
  std::string text = printModule(*samples::miniModelWithTangents());
  for (size_t n = 0; n + 1 < text.size(); ++n) { // all but the final newline
    Parsed p = parseText(text.substr(0, n));
    EXPECT_FALSE(p.module) << "prefix of length " << n << " parsed";
    EXPECT_FALSE(p.diags.empty());
  }
  EXPECT_TRUE(parseText(text).module);
}

TEST(IRParser, NeverCrashesOnRandomBytesOrEdits) {
  std::string text = printModule(*samples::miniModel());
  std::mt19937 rng(7);
  const std::string alphabet = "%@{}[]<>(),:=-#\n 0123456789.e+fx_";
  for (int iter = 0; iter < 3000; ++iter) {
    std::string s = text;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits; ++k) {
      size_t at = rng() % s.size();
      switch (rng() % 4) {
      case 0: s.erase(at, 1 + rng() % 8); break;
      case 1: s.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
      case 2: s[at] = static_cast<char>(rng() % 256); break;
      default: s.insert(at, s.substr(rng() % s.size(), rng() % 40)); break;
      }
    }
    parseText(s); // must return, with or without a module
  }
  for (int iter = 0; iter < 300; ++iter) {
    std::string s(rng() % 400, '\0');
    for (char &c : s)
      c = static_cast<char>(rng() % 256);
    EXPECT_FALSE(parseText(s).module);
  }
}

TEST(IRParser, NeverCrashesOnDeepNestingOrHugeInput) {
  EXPECT_FALSE(parseText(std::string(200000, '{')).module);
  EXPECT_FALSE(parseText("module @m lanes 0 {\n" + std::string(200000, '{') + "\n}\n").module);
  EXPECT_FALSE(parseText(withStepLine("    %y = const " + std::string(100000, '9') + " : f64")).module);
  EXPECT_FALSE(parseText(withStepLine("    %" + std::string(100000, 'a') + " = tanh %zz : f64[3]")).module);
  EXPECT_FALSE(parseText("module @m lanes 99999999999 {\n}\n").module);
}
