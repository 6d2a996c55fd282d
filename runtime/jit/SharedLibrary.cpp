//===- runtime/jit/SharedLibrary.cpp - dlopen and checks ------------------===//
#include "runtime/jit/SharedLibrary.h"

#include <cstring>
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

namespace plasticc::runtime {

namespace {

/// Whether [offset, offset + count * size) lies inside a file of `fileSize`
/// bytes, without overflow.
bool inside(uint64_t offset, uint64_t count, uint64_t size, uint64_t fileSize) {
  uint64_t bytes = 0, end = 0;
  return !__builtin_mul_overflow(count, size, &bytes) && !__builtin_add_overflow(offset, bytes, &end) &&
         end <= fileSize;
}

/// A cheap check before dlopen, which maps the file and dies of SIGBUS on
/// a truncated one: a 64-bit ELF file whose program headers, loaded
/// segments and section headers all lie inside it. "" if it passes.
std::string elfProblem(const std::string &path) {
  // O_NONBLOCK: opening a FIFO would wait for a writer before fstat sees it.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return ""; // dlopen reports a missing or unreadable file itself
  struct stat st {};
  Elf64_Ehdr eh{};
  std::string why;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    why = "not a regular file";
  else if (::pread(fd, &eh, sizeof eh, 0) != static_cast<ssize_t>(sizeof eh) ||
           std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
    why = "not an ELF file";
  else if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(Elf64_Phdr))
    why = "not a 64-bit ELF file";
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (why.empty() && (!inside(eh.e_phoff, eh.e_phnum, sizeof(Elf64_Phdr), size) ||
                      (eh.e_shoff != 0 && !inside(eh.e_shoff, eh.e_shnum, eh.e_shentsize, size))))
    why = "truncated (its headers lie past its end)";
  std::vector<Elf64_Phdr> ph(why.empty() ? eh.e_phnum : 0);
  if (!ph.empty() && ::pread(fd, ph.data(), ph.size() * sizeof(Elf64_Phdr),
                             static_cast<off_t>(eh.e_phoff)) !=
                         static_cast<ssize_t>(ph.size() * sizeof(Elf64_Phdr)))
    why = "unreadable program headers";
  for (const Elf64_Phdr &p : ph)
    if (why.empty() && p.p_type == PT_LOAD && !inside(p.p_offset, 1, p.p_filesz, size))
      why = "truncated (a loaded segment lies past its end)";
  ::close(fd);
  return why;
}

} // namespace

std::unique_ptr<NativeModel> loadSharedLibrary(const std::string &path, std::string &error,
                                               const ModelInfo *expected) {
  // dlopen searches the library path for a name without '/' (a local
  // libz.so would load the system's); a model file is always a path.
  std::string file = path.find('/') == std::string::npos ? "./" + path : path;
  if (std::string why = elfProblem(file); !why.empty()) {
    error = "cannot load model library " + path + ": " + why;
    return nullptr;
  }
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
  sym(e.setTrialStart, "plasticc_set_trial_start");
  sym(e.beginTrial, "plasticc_begin_trial");
  sym(e.step, "plasticc_step");
  sym(e.stepPrimal, "plasticc_step_primal");
  sym(e.endTrial, "plasticc_end_trial");
  sym(e.runTrial, "plasticc_run_trial");
  sym(e.runTrialPrimal, "plasticc_run_trial_primal");
  auto model = NativeModel::create(e, std::move(owner), expected, error);
  if (!model)
    error = path + ": " + error;
  return model;
}

} // namespace plasticc::runtime
