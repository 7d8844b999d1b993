/// @file
/// SNE_EXPORT, which marks the declarations that make up libsne's ABI.
///
/// The libraries are built with hidden visibility (-fvisibility=hidden): a symbol is exported
/// only when its declaration in include/sne/ carries SNE_EXPORT (a function defined in the
/// library, or a class with members defined there or virtual functions). Everything else, the
/// internal code of libsne/ included, stays private to the library, where the linker may drop
/// or inline it and where it cannot become part of the ABI by accident.
///
/// One macro serves libsne, libsne_sandbox and libsne_bulk: on ELF, a default-visibility
/// declaration is exported by the library that defines it and imported by those that use it.
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define SNE_EXPORT __attribute__((visibility("default")))
#else
#define SNE_EXPORT
#endif
