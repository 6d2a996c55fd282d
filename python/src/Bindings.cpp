//===- python/src/Bindings.cpp - the extension module plasticc._plasticc --===//
//
// Exposes Model (Model.h) and Network (Network.h) to Python; the package
// plasticc (python/plasticc/__init__.py) is the documented interface on
// top. Every check of what Python passes in is here or in Arrays.cpp, and
// fails with a Python exception, never a crash.
//
//===----------------------------------------------------------------------===//
#include "Arrays.h"
#include "MetaRun.h"
#include "Model.h"
#include "Network.h"
#include "Task.h"
#include "plasticc/abi.h"
#include "runtime/meta/Seeds.h"

#include <pybind11/stl.h>

#include <optional>

namespace py = pybind11;
using namespace plasticc;
using namespace plasticc::python;

namespace {

std::vector<py::ssize_t> shapeOf(const runtime::QuantityInfo &q) {
  return std::vector<py::ssize_t>(q.shape.begin(), q.shape.end());
}

py::tuple shapeTuple(const runtime::QuantityInfo &q) { return py::tuple(py::cast(q.shape)); }

const runtime::QuantityInfo &stored(const Network &n, const std::string &name) {
  const runtime::QuantityInfo &q = n.model().quantity(name);
  if (q.kind == "input" || q.kind == "noise")
    throw py::value_error("'" + name + "' is " + (q.kind == "input" ? "an input" : "a noise") +
                          ": it is not stored in the network, it is what run_trial is given");
  return q;
}

void bindQuantity(py::module_ &m) {
  py::class_<runtime::QuantityInfo>(m, "Quantity", "one declared quantity of a model's descriptor")
      .def_readonly("name", &runtime::QuantityInfo::name)
      .def_readonly("kind", &runtime::QuantityInfo::kind)
      .def_property_readonly("shape", &shapeTuple)
      .def_readonly("offset", &runtime::QuantityInfo::offset,
                    "bytes into the state (inputs, noise: element offset in their vector)")
      .def_readonly("init_offset", &runtime::QuantityInfo::initOffset,
                    "states: bytes to the trial-start copy; else -1")
      .def_readonly("tangent_offset", &runtime::QuantityInfo::tangentOffset,
                    "bytes to the P tangent lanes; -1 without a tangent")
      .def_property_readonly("noise",
                             [](const runtime::QuantityInfo &q) -> py::object {
                               if (q.kind != "noise")
                                 return py::none();
                               return py::make_tuple(q.noiseDist, q.noiseA, q.noiseB);
                             },
                             "noise: (distribution, a, b) as in plasticc/abi.h; else None")
      .def("__repr__", [](const runtime::QuantityInfo &q) {
        return "<plasticc.Quantity " + q.kind + " " + q.name + shapeText(shapeOf(q)) + ">";
      });
}

void bindModel(py::module_ &m) {
  py::class_<Model, std::shared_ptr<Model>>(m, "Model", "a compiled model and its descriptor")
      .def(py::init<const std::string &, const std::vector<std::string> &, bool, const std::string &,
                    const std::optional<std::string> &>(),
           py::arg("path"), py::arg("defines"), py::arg("interpret"), py::arg("estimator"),
           py::arg("text") = py::none())
      .def_property_readonly("name", [](const Model &md) { return md.info().name; })
      .def_property_readonly("source_sha256", [](const Model &md) { return md.info().sourceHash; })
      .def_property_readonly("num_meta", [](const Model &md) { return md.info().metaScalars; })
      .def_property_readonly("state_bytes", [](const Model &md) { return md.info().stateBytes; })
      .def_property_readonly("input_length", [](const Model &md) { return md.info().inputLength; })
      .def_property_readonly("noise_length", [](const Model &md) { return md.info().noiseLength; })
      .def_property_readonly("estimator", [](const Model &md) { return md.info().estimator; })
      .def_property_readonly("backend", &Model::backendName)
      .def_property_readonly("quantities", [](const Model &md) { return md.info().quantities; })
      .def("quantity", &Model::quantity, py::arg("name"), py::return_value_policy::copy);
}

std::unique_ptr<Network> makeNetwork(std::shared_ptr<Model> model, uint64_t seed,
                                     std::optional<py::array> meta) {
  const double *m = nullptr;
  if (meta)
    m = checkedArray(*meta, "meta", {static_cast<py::ssize_t>(model->info().metaScalars)});
  return std::make_unique<Network>(std::move(model), seed, m);
}

py::array valueView(py::object self, const std::string &name) {
  Network &n = self.cast<Network &>();
  const runtime::QuantityInfo &q = stored(n, name);
  return view(n.value(q), shapeOf(q), self, Network::writableInPlace(q));
}

py::array startView(py::object self, const std::string &name) {
  Network &n = self.cast<Network &>();
  const runtime::QuantityInfo &q = n.model().quantity(name);
  if (q.initOffset < 0)
    throw py::value_error("'" + name + "' is a " + q.kind + ": only states have a trial-start copy");
  return view(n.startCopy(q), shapeOf(q), self, false);
}

py::array tangentView(py::object self, const std::string &name) {
  Network &n = self.cast<Network &>();
  const runtime::QuantityInfo &q = stored(n, name);
  if (q.tangentOffset < 0)
    throw py::value_error("'" + name + "' carries no tangent (it does not depend on meta, "
                          "or the model was built without tangents)");
  std::vector<py::ssize_t> shape = shapeOf(q);
  shape.insert(shape.begin(), static_cast<py::ssize_t>(n.model().info().metaScalars));
  return view(n.tangent(q), shape, self, false);
}

void setQuantity(Network &n, const std::string &name, const py::array &values) {
  const runtime::QuantityInfo &q = stored(n, name);
  n.set(q, checkedArray(values, "the value of '" + name + "'", shapeOf(q)));
}

py::tuple runTrial(Network &n, const py::array &inputs, std::optional<py::array> noise,
                   const std::vector<std::string> &record, bool tangents) {
  const runtime::ModelInfo &info = n.model().info();
  const double *in = checkedArray(inputs, "inputs", {-1, info.inputLength});
  py::ssize_t steps = inputs.shape(0);
  const double *xi = nullptr;
  if (noise)
    xi = checkedArray(*noise, "noise", {steps, info.noiseLength});
  else if (info.noiseLength > 0)
    throw py::value_error("model '" + info.name + "' has " + std::to_string(info.noiseLength) +
                          " noise values per step: pass noise as an array [T, " +
                          std::to_string(info.noiseLength) + "]");
  py::dict recorded;
  std::vector<Recording> recordings;
  for (const std::string &name : record) {
    const runtime::QuantityInfo &q = stored(n, name);
    std::vector<py::ssize_t> shape = shapeOf(q);
    shape.insert(shape.begin(), steps);
    py::array_t<double> out(shape);
    recordings.push_back({&q, out.mutable_data()});
    recorded[py::str(name)] = out;
  }
  TrialOutcome got;
  {
    py::gil_scoped_release unlocked;
    got = n.runTrial(in, xi, steps, recordings, tangents);
  }
  py::object dR = py::none();
  if (tangents)
    dR = py::array_t<double>(static_cast<py::ssize_t>(got.dReward.size()), got.dReward.data());
  return py::make_tuple(got.reward, dR, recorded);
}

py::array copyOf(const std::vector<double> &v, std::vector<py::ssize_t> shape) {
  py::array_t<double> a(shape);
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

void bindNetwork(py::module_ &m) {
  py::class_<Network>(m, "Network", "one network of a model, in a state buffer it owns")
      .def(py::init(&makeNetwork), py::arg("model"), py::arg("seed"), py::arg("meta") = py::none())
      .def("value", &valueView, py::arg("name"))
      .def("start", &startView, py::arg("name"))
      .def("tangent", &tangentView, py::arg("name"))
      .def("set", &setQuantity, py::arg("name"), py::arg("values"))
      .def_property_readonly("seed", &Network::seed)
      .def("meta_noise",
           [](const Network &n, uint64_t k, int64_t steps) {
             if (steps < 0)
               throw py::value_error("steps must be >= 0");
             return copyOf(n.metaNoise(k, steps), {steps, n.model().info().noiseLength});
           },
           py::arg("k"), py::arg("steps"))
      .def("run_trial", &runTrial, py::arg("inputs"), py::arg("noise"), py::arg("record"),
           py::arg("tangents"));
}


/// `v` as `steps` rows (a trial's u or y: [T, width]).
py::array rows(const std::vector<double> &v, int64_t steps) {
  int64_t width = steps > 0 ? static_cast<int64_t>(v.size()) / steps : 0;
  return copyOf(v, {steps, width});
}

void bindTask(py::module_ &m) {
  py::class_<tasks::Trial>(m, "TaskTrial", "one trial of a task: inputs, target, mask, conditions")
      .def_readonly("steps", &tasks::Trial::steps)
      .def_readonly("index", &tasks::Trial::index)
      .def_readonly("type", &tasks::Trial::type)
      .def_readonly("choice", &tasks::Trial::choice)
      .def_readonly("conditions", &tasks::Trial::conditions)
      .def_readonly("bounds", &tasks::Trial::bounds)
      .def_property_readonly("u", [](const tasks::Trial &tr) { return rows(tr.u, tr.steps); })
      .def_property_readonly("y", [](const tasks::Trial &tr) { return rows(tr.y, tr.steps); })
      .def_property_readonly("m", [](const tasks::Trial &tr) { return copyOf(tr.m, {tr.steps}); });
  py::class_<Task, std::shared_ptr<Task>>(m, "Task", "a task file and its trials")
      .def(py::init<const std::string &, int64_t>(), py::arg("path"), py::arg("steps"))
      .def_property_readonly("name", [](const Task &t) { return t.task().name; })
      .def_property_readonly("description", [](const Task &t) { return t.task().description; })
      .def_property_readonly("dt_ms", [](const Task &t) { return t.task().dtMs; })
      .def_property_readonly("inputs", [](const Task &t) { return t.task().inputs; })
      .def_property_readonly("outputs", [](const Task &t) { return t.task().outputs; })
      .def_property_readonly("steps", [](const Task &t) { return t.generator().steps(); })
      .def_property_readonly("trial_types", [](const Task &t) { return t.task().trialTypes(); })
      .def_property_readonly("condition_names", [](const Task &t) { return t.task().conditionNames(); })
      .def("trial", &Task::trial, py::arg("seed"), py::arg("k"))
      .def("inputs_for", [](const Task &t, const Model &model, const tasks::Trial &trial) {
        return copyOf(t.inputsFor(model.info(), trial), {trial.steps, model.info().inputLength});
      });
}

} // namespace

PYBIND11_MODULE(_plasticc, m) {
  m.doc() = "plasticc's extension module; use the package plasticc";
  static py::exception<CompileFailure> failure(m, "CompileFailure");
  static py::exception<TaskFailure> taskFailure(m, "TaskFailure");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p)
        std::rethrow_exception(p);
    } catch (const CompileFailure &e) {
      failure(e.what());
    } catch (const TaskFailure &e) {
      taskFailure(e.what());
    } catch (const UnknownQuantity &e) {
      PyErr_SetString(PyExc_KeyError, e.what());
    }
  });
  m.attr("ABI_VERSION") = PLASTICC_ABI_VERSION;
  bindQuantity(m);
  bindModel(m);
  bindNetwork(m);
  bindTask(m);
  bindMetaRun(m);
  m.attr("SOURCE_DIR") = PLASTICC_SOURCE_DIR;
  m.def("task_seed", &meta::taskSeed, py::arg("network_seed"),
        "the seed of the task trials plasticc-meta gives the network of this seed");
}
