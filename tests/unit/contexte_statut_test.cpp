#include <doctest/doctest.h>

#include "sne/contexte.hpp"
#include "sne/statut.hpp"

using namespace sne;

TEST_CASE("contexte: codes, names, slugs and labels") {
  CHECK(info(Contexte::ajout).code == "AJO");
  CHECK(info(Contexte::creation).code == "CRE");
  CHECK(info(Contexte::renouvellement).code == "REN");
  CHECK(info(Contexte::mise_a_jour).code == "MAJ");
  CHECK(info(Contexte::mise_a_jour).label == "Mise à jour");
  CHECK(info(Contexte::creation).label == "Création");
  CHECK(contextes().size() == 4);
  for (const auto& c : contextes()) CHECK(info(c.value).name == c.name);
}

TEST_CASE("contexte: parses every spelling, case-insensitively") {
  CHECK(parse_contexte("AJO").value() == Contexte::ajout);
  CHECK(parse_contexte("ajo").value() == Contexte::ajout);
  CHECK(parse_contexte("ajout").value() == Contexte::ajout);
  CHECK(parse_contexte("Mise-A-Jour").value() == Contexte::mise_a_jour);
  CHECK(parse_contexte("mise_a_jour").value() == Contexte::mise_a_jour);
  CHECK(parse_contexte("renouvellement").value() == Contexte::renouvellement);
  auto bad = parse_contexte("suppression");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().subject() == "contexte");
  CHECK(bad.error().message() ==
        "unknown contexte 'suppression' (expected ajout, creation, renouvellement or mise-a-jour)");
}

TEST_CASE("statut: the five statuses of the tableau de bord") {
  REQUIRE(statuts().size() == 5);
  CHECK(info(StatutPli::numerisation_en_cours).label == "Numérisation en cours");
  CHECK(info(StatutPli::rejet_pieces).label ==
        "Rejet d'une ou plusieurs pièces lors du traitement");
  CHECK(info(StatutPli::rejet_dossier).label == "Rejet du dossier par le SNE");
  CHECK(info(StatutPli::enregistrement_complet).label == "Enregistrement complet");
  CHECK(info(StatutPli::non_applicable).label == "Non applicable");
  CHECK_FALSE(info(StatutPli::numerisation_en_cours).final);
  CHECK(info(StatutPli::rejet_dossier).rejected);
  CHECK_FALSE(info(StatutPli::enregistrement_complet).rejected);
  for (const auto& s : statuts()) CHECK(info(s.value).code == s.code);
}

TEST_CASE("statut: parses codes with dashes or underscores") {
  CHECK(parse_statut("numerisation_en_cours").value() == StatutPli::numerisation_en_cours);
  CHECK(parse_statut("Rejet-Pieces").value() == StatutPli::rejet_pieces);
  auto bad = parse_statut("perdu");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().subject() == "statut");
  CHECK(bad.error().message().find("expected numerisation_en_cours, rejet_pieces") !=
        std::string::npos);
}
