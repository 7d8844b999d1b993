// Internal: the sandbox's names for the library's SQLite wrapper (sqlite/db.hpp), so that the
// sandbox's files say Db, Stmt and Transaction as they always did.
#pragma once

#include "sqlite/db.hpp"

namespace sne::sandbox {

using sqlite::Blob;
using sqlite::Db;
using sqlite::DbError;
using sqlite::Stmt;
using sqlite::Transaction;

}  // namespace sne::sandbox
