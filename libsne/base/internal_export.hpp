// base/internal_export.hpp - SNE_INTERNAL_EXPORT: exported from libsne.so for its two sibling
// libraries only.
//
// libsne_sandbox.so and libsne_bulk.so are built from this tree, released with libsne.so under
// the same version and soname, and use some of its internal code (hashes, CSV and JSON readers,
// atomic files, HTTP helpers, the wire format, the backends' table). Those declarations carry
// SNE_INTERNAL_EXPORT rather than SNE_EXPORT: their headers are not installed, they make no
// ABI promise, and the ABI check (abi/suppressions.abignore) leaves them out. An editor's
// program cannot reach them but by declaring them itself.
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define SNE_INTERNAL_EXPORT __attribute__((visibility("default")))
#else
#define SNE_INTERNAL_EXPORT
#endif
