// Compiled as C++17 with -pedantic: the public API must build with editors' compilers.
#include <sne/account.hpp>
#include <sne/bulk.hpp>
#include <sne/calendar.hpp>
#include <sne/catalog.hpp>
#include <sne/config.hpp>
#include <sne/config_edit.hpp>
#include <sne/connect.hpp>
#include <sne/contexte.hpp>
#include <sne/credentials.hpp>
#include <sne/date.hpp>
#include <sne/demande.hpp>
#include <sne/doctor.hpp>
#include <sne/dossier.hpp>
#include <sne/error.hpp>
#include <sne/export.hpp>
#include <sne/fiche.hpp>
#include <sne/format.hpp>
#include <sne/glpi.hpp>
#include <sne/inspect.hpp>
#include <sne/inspect_files.hpp>
#include <sne/json.hpp>
#include <sne/messages.hpp>
#include <sne/numero.hpp>
#include <sne/pack.hpp>
#include <sne/pli.hpp>
#include <sne/records_json.hpp>
#include <sne/report.hpp>
#include <sne/retry.hpp>
#include <sne/sandbox.hpp>
#include <sne/sandbox_integrity.hpp>
#include <sne/send.hpp>
#include <sne/service.hpp>
#include <sne/siret.hpp>
#include <sne/statut.hpp>
#include <sne/territoire.hpp>
#include <sne/text.hpp>
#include <sne/timestamp.hpp>
#include <sne/tracking.hpp>
#include <sne/tracking_json.hpp>
#include <sne/version.hpp>

static_assert(__cplusplus == 201703L, "this file must be compiled as C++17");

int sne_public_headers_cxx17() { return static_cast<int>(sne::version().size()); }
