"""plasticc.compile: the descriptor, -D defines, and errors as exceptions."""
import os
import shutil
import subprocess

import pytest

import plasticc
from conftest import EXAMPLES, N


def test_the_descriptor_names_every_quantity_with_its_kind_and_shape(rnn):
    assert rnn.name == "rnn_poly"
    assert rnn.num_meta == 16
    assert rnn.backend == "JIT"
    assert rnn.input_length == 4 and rnn.noise_length == N
    q = rnn.quantities
    assert (q["W"].kind, q["W"].shape) == ("weight", (N, N))
    assert (q["x"].kind, q["x"].shape) == ("state", (N,))
    assert q["x"].init_offset > 0 and q["W"].init_offset == -1
    assert q["W"].tangent_offset > 0
    assert q["xi"].noise == ("normal", 0.0, 1.0)
    assert q["theta"].shape == (4, 4)
    assert len(rnn.source_sha256) == 64


def test_defines_set_dims_as_minus_D_does():
    small = plasticc.compile(EXAMPLES / "rnn_poly.plast", defines={"N": 5, "eta": 0.01})
    assert small.quantity("W").shape == (5, 5)
    assert small.network(1)["eta"] == pytest.approx(0.01)


def test_a_compile_error_carries_the_located_diagnostics(tmp_path):
    bad = tmp_path / "bad.plast"
    bad.write_text("model bad\ndim N = 4\ninput u[2]\nstate x[N] = 0\nstep {\n  x += u\n}\n")
    with pytest.raises(plasticc.CompileError) as caught:
        plasticc.compile(bad)
    error = caught.value
    first = error.diagnostics[0]
    assert (first.path, first.line, first.column, first.severity) == (str(bad), 6, 8, "error")
    assert "cannot assign a value of shape [2] to state 'x' of shape [4]" in first.message
    assert any(d.severity == "note" and d.line == 3 for d in error.diagnostics)
    assert " 6 |   x += u" in str(error)


def test_an_unknown_define_is_a_compile_error():
    with pytest.raises(plasticc.CompileError, match="no_such_dim"):
        plasticc.compile(EXAMPLES / "rnn_poly.plast", defines={"no_such_dim": 3})


def test_a_missing_file_is_a_compile_error_without_a_location(tmp_path):
    with pytest.raises(plasticc.CompileError) as caught:
        plasticc.compile(tmp_path / "none.plast")
    assert caught.value.diagnostics == []
    assert "none.plast" in str(caught.value)


def test_an_unknown_estimator_is_a_value_error():
    with pytest.raises(ValueError, match="'pathwise' or 'score'"):
        plasticc.compile(EXAMPLES / "rnn_poly.plast", estimator="reinforce")


FAKE_ABI_3 = r"""
#include <plasticc/abi.h>
static const plasticc_model_info info = {3, 0, "old", "0", 0, 0, 64, 64, 0, 0, 0, 0, 0, -1};
const plasticc_model_info *plasticc_info(void) { return &info; }
void plasticc_init(void *s, const double *m, uint64_t seed) {}
void plasticc_begin_trial(void *s) {}
void plasticc_step(void *s, const double *i, const double *n) {}
void plasticc_step_primal(void *s, const double *i, const double *n) {}
double plasticc_end_trial(void *s, double *dR) { return 0; }
"""


def test_a_library_of_another_abi_version_is_refused(tmp_path):
    cc = shutil.which("clang-19") or shutil.which("cc")
    if cc is None:
        pytest.skip("no C compiler")
    src = tmp_path / "old.c"
    src.write_text(FAKE_ABI_3)
    lib = tmp_path / "old.so"
    subprocess.run([cc, "-shared", "-fPIC", f"-I{EXAMPLES.parent / 'include'}", str(src), "-o", str(lib)],
                   check=True)
    with pytest.raises(plasticc.CompileError, match="ABI version mismatch.*ABI 3"):
        plasticc.compile(lib)


def test_a_shared_library_built_by_plasticc_loads_with_the_same_descriptor(rnn, tmp_path):
    plasticc_bin = os.environ.get("PLASTICC_BIN", str(EXAMPLES.parent / "build" / "bin" / "plasticc"))
    lib = tmp_path / "rnn.so"
    subprocess.run([plasticc_bin, str(EXAMPLES / "rnn_poly.plast"), "-D", f"N={N}", "-o", str(lib)],
                   check=True)
    loaded = plasticc.compile(lib)
    assert loaded.backend == "shared library"
    assert loaded.source_sha256 == rnn.source_sha256
    assert {n: (q.kind, q.shape, q.offset) for n, q in loaded.quantities.items()} == \
        {n: (q.kind, q.shape, q.offset) for n, q in rnn.quantities.items()}


def test_source_text_compiles_and_its_errors_carry_the_name_given():
    text = (EXAMPLES / "oja.plast").read_text()
    model = plasticc.compile(text, defines={"N": 4})
    assert (model.name, model.quantity("W").shape) == ("oja", (4, 4))
    assert model.source_sha256 == plasticc.compile(EXAMPLES / "oja.plast", defines={"N": 4}).source_sha256
    with pytest.raises(plasticc.CompileError) as caught:
        plasticc.compile("model m\ndim N = 2\nstate x[N] = y\n", name="cell 3")
    undeclared = [d for d in caught.value.diagnostics if "undeclared name 'y'" in d.message]
    assert [(d.path, d.line, d.column) for d in undeclared] == [("cell 3", 3, 14)]
