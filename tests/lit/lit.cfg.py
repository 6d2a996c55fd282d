# lit configuration for plasticc's FileCheck tests (tests/lit).
import os
import lit.formats

config.name = "plasticc"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".plast", ".plir", ".test", ".c"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py.in"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(os.path.dirname(config.plasticc_bin_dir), "tests", "lit-out")

config.environment["PATH"] = os.pathsep.join(
    [config.plasticc_bin_dir, config.llvm_tools_dir, config.environment.get("PATH", os.environ["PATH"])])
config.substitutions.append(("%plasticc", os.path.join(config.plasticc_bin_dir, "plasticc")))
config.substitutions.append(("%examples", os.path.join(config.plasticc_src_root, "examples")))
config.substitutions.append(("%src", config.plasticc_src_root))

# `UNSUPPORTED: sanitize`: a test that cannot run under ASan + UBSan (make
# sanitize; docs/testing.md says which and why).
if getattr(config, "plasticc_sanitize", False):
    config.available_features.add("sanitize")

# `REQUIRES: mpi`: plasticc-meta was built with MPI and an mpirun is on the
# PATH (docs/runtime.md "MPI"). %mpirun launches ranks on however few cores
# the machine has (--oversubscribe), also as root, as in CI containers
# (--allow-run-as-root; Open MPI refuses root without it).
# `mpi-build`: plasticc-meta was built with MPI (mpirun or not).
import shutil
if getattr(config, "plasticc_mpi", False):
    config.available_features.add("mpi-build")
if getattr(config, "plasticc_mpi", False) and shutil.which("mpirun"):
    config.available_features.add("mpi")
    config.substitutions.append(("%mpirun", "mpirun --oversubscribe --allow-run-as-root -n"))
