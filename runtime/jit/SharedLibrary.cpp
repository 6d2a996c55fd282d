//===- runtime/jit/SharedLibrary.cpp - dlopen and checks ------------------===//
#include "runtime/jit/SharedLibrary.h"

#include <dlfcn.h>

namespace plasticc::runtime {

std::unique_ptr<NativeModel> loadSharedLibrary(const std::string &path, std::string &error,
                                               const ModelInfo *expected) {
  // dlopen searches the library path for a name without '/' (a local
  // libz.so would load the system's); a model file is always a path.
  std::string file = path.find('/') == std::string::npos ? "./" + path : path;
  void *handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = dlerror();
    error = "cannot load model library " + path + ": " + (why ? why : "unknown error");
    return nullptr;
  }
  std::shared_ptr<void> owner(handle, [](void *h) { dlclose(h); });
  EntryPoints e;
  auto sym = [&](auto &fn, const char *name) {
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(handle, name));
  };
  sym(e.info, "plasticc_info");
  sym(e.init, "plasticc_init");
  sym(e.beginTrial, "plasticc_begin_trial");
  sym(e.step, "plasticc_step");
  sym(e.stepPrimal, "plasticc_step_primal");
  sym(e.endTrial, "plasticc_end_trial");
  auto model = NativeModel::create(e, std::move(owner), expected, error);
  if (!model)
    error = path + ": " + error;
  return model;
}

} // namespace plasticc::runtime
