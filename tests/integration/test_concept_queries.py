"""concept, concepts (a Relay connection), prerequisites, dependents, materials, curricula."""

from __future__ import annotations

from graph.model import Concept
from graph.repository import KnowledgeGraph
from graph.store import open_store
from ingest.formats import read_text
from tests.integration.conftest import Client

CONCEPT = """query($id: ID!, $t: Boolean, $d: Int) { concept(id: $id) {
  id label definition altLabels curriculum { id title }
  prerequisites(transitive: $t, maxDepth: $d) { id }
  prerequisiteLinks { prerequisite { id } strength }
  dependents { id } materials { id type } broader { id } } }"""


class TestConcept:
    def test_direct_and_transitive_prerequisites(self, client: Client) -> None:
        direct = client.execute(CONCEPT, {"id": "quad"})["concept"]
        assert [c["id"] for c in direct["prerequisites"]] == ["eq"]
        closure = client.execute(CONCEPT, {"id": "quad", "t": True})["concept"]
        assert [c["id"] for c in closure["prerequisites"]] == ["eq", "mul", "sub", "add"]
        two = client.execute(CONCEPT, {"id": "quad", "t": True, "d": 2})["concept"]
        assert [c["id"] for c in two["prerequisites"]] == ["eq", "mul", "sub"]

    def test_fields(self, client: Client) -> None:
        eq = client.execute(CONCEPT, {"id": "eq"})["concept"]
        assert eq["curriculum"] == {"id": "arith", "title": "Arithmetic"}
        assert [c["id"] for c in eq["dependents"]] == ["quad"]
        assert eq["materials"] == [{"id": "m_eq", "type": "EXAMPLE"}]
        assert eq["broader"] == [{"id": "add"}]
        mul = client.execute(CONCEPT, {"id": "mul"})["concept"]
        assert mul["prerequisiteLinks"] == [{"prerequisite": {"id": "add"}, "strength": 0.5}]

    def test_unknown_id_is_null(self, client: Client) -> None:
        assert client.execute(CONCEPT, {"id": "nope"}) == {"concept": None}


CONCEPTS = """query($first: Int, $after: String, $search: String) {
  concepts(first: $first, after: $after, search: $search) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id label prerequisites { id label } materials { id title teaches { id } } } } } }"""


class TestConcepts:
    def test_pages_through_everything_once(self, client: Client) -> None:
        seen, after = [], None
        while True:
            page = client.execute(CONCEPTS, {"first": 2, "after": after})["concepts"]
            assert page["totalCount"] == 5
            seen += [e["node"]["id"] for e in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert seen == ["add", "eq", "mul", "quad", "sub"]

    def test_search_matches_labels(self, client: Client) -> None:
        page = client.execute(CONCEPTS, {"search": "TRACT"})["concepts"]
        assert [e["node"]["id"] for e in page["edges"]] == ["sub"]
        assert page["totalCount"] == 1

    def test_search_matches_alternative_labels(self, client: Client) -> None:
        # "minus" is an alternative label of Subtraction: searching labels alone found nothing.
        page = client.execute(CONCEPTS, {"search": "MiNuS"})["concepts"]
        assert [e["node"]["id"] for e in page["edges"]] == ["sub"]
        assert client.execute(CONCEPTS, {"search": 'x" } '})["concepts"]["totalCount"] == 0  # text, not SPARQL

    def test_bad_cursor_and_page_size_are_clear_errors(self, client: Client) -> None:
        assert client.errors(CONCEPTS, {"after": "garbage!"}) == ["cursor 'garbage!' is not valid"]
        # a 500 KB cursor came back whole in its error
        [said] = client.errors(CONCEPTS, {"after": "garbage!" * 62_500})
        assert said == "cursor 'garbage!garbage!garbage!garbage!garbage!…' (500000 characters) is not valid"
        # "" is the start, as null is: a client keeping "no cursor yet" as an empty string had its first page refused
        start = client.execute(CONCEPTS, {"after": ""})["concepts"]
        assert start == client.execute(CONCEPTS, {})["concepts"]
        assert start["pageInfo"]["hasPreviousPage"] is False
        assert client.errors(CONCEPTS, {"first": 1000000}) == ["first must be between 0 and 100, got 1000000"]

    def test_a_page_of_none_counts_and_says_what_follows(self, client: Client) -> None:
        # first: 0 is how a client asks for totalCount alone: an empty page whose pageInfo is Relay's (items
        # follow it, none before it, no cursors), for concepts and materials alike; 101 and -1 name `first`.
        page = (
            "{ %s(first: 0%s) { totalCount edges { cursor } "
            "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"
        )
        info = {"hasNextPage": True, "hasPreviousPage": False, "startCursor": None, "endCursor": None}
        assert client.execute(page % ("concepts", ""))["concepts"] == {"totalCount": 5, "edges": [], "pageInfo": info}
        assert client.execute(page % ("materials", ""))["materials"] == {"totalCount": 3, "edges": [], "pageInfo": info}
        last = client.execute(CONCEPTS, {"first": 5})["concepts"]["pageInfo"]["endCursor"]
        after_last = client.execute(page % ("concepts", f', after: "{last}"'))["concepts"]["pageInfo"]
        assert (after_last["hasNextPage"], after_last["hasPreviousPage"]) == (False, True)
        for kind in ("concepts", "materials", "students"):
            for first in (-1, 101):
                assert client.errors(f"{{ {kind}(first: {first}) {{ totalCount }} }}") == [
                    f"first must be between 0 and 100, got {first}"
                ]

    def test_a_depth_under_one_is_an_error_not_an_empty_list(self, client: Client) -> None:
        # maxDepth 0 or -1 answered [], as if the concept had no prerequisites.
        for depth in (0, -1):
            assert client.errors(CONCEPT, {"id": "quad", "t": True, "d": depth}) == [
                f"maxDepth must be at least 1 (1: the direct prerequisites), not {depth}"
            ]

    def test_a_depth_without_transitive_is_an_error(self, client: Client) -> None:
        # maxDepth was ignored without transitive: maxDepth 3 answered the direct prerequisites.
        assert client.errors(CONCEPT, {"id": "quad", "d": 3}) == [
            "maxDepth needs transitive: true (without it the answer is the direct ones)"
        ]
        two = client.execute(CONCEPT, {"id": "quad", "t": True, "d": 2})["concept"]
        assert [c["id"] for c in two["prerequisites"]] == ["eq", "mul", "sub"]


class TestNoNPlusOne:
    def test_store_round_trips_do_not_grow_with_the_page(self, client: Client) -> None:
        for i in range(30):
            client.kg.create_concept(Concept(f"x{i:02}", f"Extra {i}"), ["add", "eq"])
        client.execute(CONCEPTS, {"first": 2})
        small = client.round_trips
        client.execute(CONCEPTS, {"first": 35})
        large = client.round_trips
        # page + concepts of nested fields + materials (+ one more tick of concepts): a bound, not a count per item
        assert small <= 4
        assert large <= 4


class TestMaterialsAndCurricula:
    def test_materials_connection_filters(self, client: Client) -> None:
        data = client.execute(
            """{ all: materials { totalCount } ex: materials(type: EXERCISE) { edges { node { id assesses { id } } } }
                 byConcept: materials(conceptId: "add") { edges { node { id } } }
                 one: material(id: "m_eq") { title difficulty minutes text teaches { id } } }"""
        )
        assert data["all"]["totalCount"] == 3
        assert data["ex"]["edges"] == [{"node": {"id": "m_add_ex", "assesses": [{"id": "add"}]}}]
        assert [e["node"]["id"] for e in data["byConcept"]["edges"]] == ["m_add", "m_add_ex"]
        assert data["one"] == {
            "title": "Solving",
            "difficulty": 3,
            "minutes": 8,
            "text": "x + 1 = 2",
            "teaches": [{"id": "eq"}],
        }

    def test_curricula(self, client: Client) -> None:
        assert client.execute("{ curricula { id title description } }")["curricula"] == [
            {"id": "arith", "title": "Arithmetic", "description": "Small test curriculum"}
        ]


def test_prerequisite_links_say_where_each_edge_came_from(client: Client) -> None:
    # Provenance could be written (addPrerequisite, imports) but not read back.
    query = '{ concept(id: "mul") { prerequisiteLinks { prerequisite { id } strength provenance } } }'
    expected = {
        "concept": {"prerequisiteLinks": [{"prerequisite": {"id": "add"}, "strength": 0.5, "provenance": "designer"}]}
    }
    assert client.execute(query) == expected
    client.kg.rebuild_projection()  # as a restarted process reads it from the store
    assert client.execute(query) == expected


def test_a_frontend_asks_for_a_concepts_label_and_definition_in_a_language() -> None:
    # Pathwise showed one language (untagged, else English) and no query could reach the others.
    turtle = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    <https://example.org/geo> a skos:Concept ; skos:prefLabel "الهندسة"@ar, "Geometría"@es-MX, "几何"@zh ;
      skos:definition "Estudio de las figuras."@es-MX ."""
    kg = KnowledgeGraph(open_store("memory"))
    kg.import_bundle(read_text(turtle, "turtle"))
    query = """query($l: String) { concept(id: "https://example.org/geo") {
      label(language: $l) definition(language: $l) translations { language label definition } } }"""
    client = Client(kg)
    default = client.execute(query)["concept"]
    assert default["label"] == "الهندسة"  # no untagged or English label: the first language
    # the shown one keeps its tag (it was stored untagged), and tags come in their canonical case (not es-mx)
    assert [t["language"] for t in default["translations"]] == ["ar", "es-MX", "zh"]
    spanish = client.execute(query, {"l": "es"})["concept"]
    assert (spanish["label"], spanish["definition"]) == ("Geometría", "Estudio de las figuras.")
    assert client.execute(query, {"l": "zh-Hans"})["concept"]["label"] == "几何"
    found = client.execute('{ concepts(search: "geometria") { edges { node { id } } } }')["concepts"]["edges"]
    assert [e["node"]["id"] for e in found] == ["https://example.org/geo"]  # search reads every language
    wide = client.execute('{ concepts(search: "ｇｅｏｍｅｔｒｉａ") { edges { node { id } } } }')["concepts"]["edges"]
    assert wide == found, "typed full width, as an East Asian keyboard does (it found nothing)"
    german = client.execute(query, {"l": "de"})["concept"]
    assert (german["label"], german["definition"]) == ("الهندسة", "Estudio de las figuras.")  # the defaults
    # which language came back: a fallback read with the asked language's voice was gibberish
    tagged = """query($l: String) { concept(id: "https://example.org/geo") { labelLanguage(language: $l) } }"""
    assert client.execute(tagged, {"l": "es"})["concept"]["labelLanguage"] == "es-MX"
    assert client.execute(tagged, {"l": "de"})["concept"]["labelLanguage"] == "ar"  # was null: the tag was lost
    # an OS locale ("fr_CA") answered the default label with no word, while materials(language:) refused it
    assert set(client.errors(query, {"l": "es_MX"})) == {
        "language 'es_MX' is not a BCP 47 language tag: did you mean 'es-MX'?"
    }


def test_a_device_that_sends_a_withdrawn_language_code_reads_that_language() -> None:
    # Java before 17 and Android send "iw" for Hebrew and "in" for Indonesian: the whole concept was null
    # ("'iw' is no ISO 639 language code").
    turtle = """<https://example.org/geo> a <http://www.w3.org/2004/02/skos/core#Concept> ;
      <http://www.w3.org/2004/02/skos/core#prefLabel> "Geometry", "גאומטריה"@he, "Geometri"@id ."""
    kg = KnowledgeGraph(open_store("memory"))
    kg.import_bundle(read_text(turtle, "turtle"))
    query = """query($l: String) { concept(id: "https://example.org/geo") { label(language: $l) } }"""
    client = Client(kg)
    assert client.execute(query, {"l": "iw"})["concept"] == {"label": "גאומטריה"}
    assert client.execute(query, {"l": "in-ID"})["concept"] == {"label": "Geometri"}
    assert client.execute('{ materials(language: "iw") { totalCount } }')["materials"] == {"totalCount": 0}


def test_a_reader_of_one_chinese_script_is_not_given_the_other() -> None:
    # label(language: "zh-Hans") answered the zh-Hant label: a Simplified Chinese reader got Traditional.
    turtle = """<https://example.org/num> a <http://www.w3.org/2004/02/skos/core#Concept> ;
      <http://www.w3.org/2004/02/skos/core#prefLabel> "Numbers", "數字"@zh-Hant ."""
    kg = KnowledgeGraph(open_store("memory"))
    kg.import_bundle(read_text(turtle, "turtle"))
    query = """query($l: String) { concept(id: "https://example.org/num") {
      label(language: $l) labelLanguage(language: $l) } }"""
    client = Client(kg)
    assert client.execute(query, {"l": "zh-Hans"})["concept"] == {"label": "Numbers", "labelLanguage": None}
    assert client.execute(query, {"l": "zh-TW"})["concept"] == {"label": "數字", "labelLanguage": "zh-Hant"}


def test_a_translation_without_a_definition_says_the_definition_is_in_another_language() -> None:
    # fr-CA with a label and no definition answered the English definition, and nothing told the page its language.
    turtle = """<https://example.org/s> a <http://www.w3.org/2004/02/skos/core#Concept> ;
      <http://www.w3.org/2004/02/skos/core#prefLabel> "Slope", "Pente"@fr-CA ;
      <http://www.w3.org/2004/02/skos/core#definition> "Rise over run.", "Pendiente."@es ."""
    kg = KnowledgeGraph(open_store("memory"))
    kg.import_bundle(read_text(turtle, "turtle"))
    query = """query($l: String) { concept(id: "https://example.org/s") {
      label(language: $l) labelLanguage(language: $l) definition(language: $l) definitionLanguage(language: $l) } }"""
    client = Client(kg)
    assert client.execute(query, {"l": "fr-CA"})["concept"] == {
        "label": "Pente", "labelLanguage": "fr-CA", "definition": "Rise over run.", "definitionLanguage": None,
    }  # fmt: skip
    assert client.execute(query, {"l": "es"})["concept"]["definitionLanguage"] == "es"
