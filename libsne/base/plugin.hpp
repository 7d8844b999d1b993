// Internal: libsne's plugins, the parts of the library that hold a heavy dependency (PoDoFo,
// libqpdf, libcurl) and are loaded only when a call needs them, so that a program linking
// libsne does not map, relocate and initialise those libraries and theirs at every start.
//
// A plugin is a module (NAME.so) in the folder libsne-SOVERSION beside the library that holds
// this code (libsne.so.0.1 -> libsne-0.1/NAME.so, in the build tree as installed). Loading it
// runs its static initialisers, which hand their table of functions to a Slot of libsne. A
// program or test that links the plugin's objects into itself has its slots filled before main,
// and never loads anything.
#pragma once

#include <atomic>
#include <string>
#include <string_view>

#include "base/internal_export.hpp"
#include "sne/error.hpp"

namespace sne::plugin {

/// The folder of the file that holds libsne's code: the shared library's, or the program's that
/// links its objects. What libsne installs beside itself (plugins, message catalogues) is found
/// from there, wherever the library was installed.
std::string library_folder();

/// The path from which the plugin `name` is loaded: `libsne-SOVERSION/NAME.so` beside the file
/// that holds libsne's code (the shared library, or the program it is linked into).
std::string path_of(std::string_view name);

/// Loads the plugin `name` once per process (RTLD_NOW, never unloaded); the outcome of the
/// first attempt is kept. io naming the file and the loader's reason when it cannot be loaded.
/// `what` says in the message what the plugin does ("the PDF renderer").
Status load(std::string_view name, std::string_view what);

/// Where a plugin registers its table of functions, and where libsne finds it.
template <class Table>
class Slot {
 public:
  constexpr Slot(const char* name, const char* what) : name_(name), what_(what) {}

  /// Called by the plugin's static initialiser.
  void provide(const Table& table) noexcept { table_.store(&table, std::memory_order_release); }

  /// The table, the plugin loaded first when nothing provided it yet.
  Result<const Table*> get() const {
    if (const Table* t = table_.load(std::memory_order_acquire)) return t;
    if (auto loaded = load(name_, what_); !loaded) return loaded.error();
    if (const Table* t = table_.load(std::memory_order_acquire)) return t;
    return Error(ErrorCode::internal,
                 std::string(what_) + " (" + path_of(name_) + ") was loaded but provides nothing",
                 path_of(name_));
  }

  /// The table if provided, without loading anything.
  const Table* provided() const noexcept { return table_.load(std::memory_order_acquire); }

 private:
  const char* name_;
  const char* what_;
  std::atomic<const Table*> table_{nullptr};
};

}  // namespace sne::plugin
