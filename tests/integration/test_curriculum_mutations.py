"""Designer mutations: typed results, typed errors with codes, nothing applied on refusal."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import pytest

from graph.cohorts import create_cohort
from resolvers.loaders import build_loaders
from schema.context import Context
from tests.conftest import PlainIds
from tests.integration.conftest import Client

ADD = """mutation($c: ID!, $p: ID!) { addPrerequisite(conceptId: $c, prerequisiteId: $p) {
  __typename ... on PrerequisiteEdge { concept { id } prerequisite { id } strength provenance }
  ... on CurriculumError { code message field subjectId cycle } } }"""


class TestAddPrerequisite:
    def test_success(self, client: Client) -> None:
        result = client.execute(ADD, {"c": "quad", "p": "add"})["addPrerequisite"]
        assert result == {
            "__typename": "PrerequisiteEdge",
            "concept": {"id": "quad"},
            "prerequisite": {"id": "add"},
            "strength": 1.0,
            "provenance": "designer",
        }

    def test_cycle_comes_with_its_path(self, client: Client) -> None:
        result = client.execute(ADD, {"c": "add", "p": "eq"})["addPrerequisite"]
        assert result["code"] == "CYCLE"
        assert result["cycle"][:2] == ["add", "eq"]
        assert result["cycle"][2] in {"mul", "sub"}

    def test_removing_answers_the_edge_as_it_was_stored(self, client: Client) -> None:
        added = client.execute(
            'mutation { addPrerequisite(conceptId: "quad", prerequisiteId: "add", strength: 0.4, '
            'provenance: "my-source") { __typename } }'
        )
        assert added["addPrerequisite"] == {"__typename": "PrerequisiteEdge"}
        removed = client.execute(
            'mutation { removePrerequisite(conceptId: "quad", prerequisiteId: "add") '
            "{ ... on PrerequisiteEdge { strength provenance } } }"
        )
        assert removed["removePrerequisite"] == {"strength": 0.4, "provenance": "my-source"}  # provenance was ""

    def test_a_provenance_with_a_control_character_is_refused_and_nothing_written(self, client: Client) -> None:
        # 'a,b|c"d\u0007\ne' was stored and answered as given (an audit).
        query = """mutation($p: String!) { addPrerequisite(conceptId: "quad", prerequisiteId: "add", provenance: $p) {
          ... on CurriculumError { code field message } } }"""
        refused = client.execute(query, {"p": "district\u0007plan"})["addPrerequisite"]
        assert refused == {
            "code": "INVALID",
            "field": "provenance",
            "message": "prerequisite quad -> add has U+0007 in its provenance, an invisible control or direction "
            "override: remove it",
        }
        assert client.execute('{ concept(id: "quad") { prerequisites { id } } }') == {
            "concept": {"prerequisites": [{"id": "eq"}]}
        }

    def test_unknown_id_is_not_found(self, client: Client) -> None:
        result = client.execute(ADD, {"c": "add", "p": "ghost"})["addPrerequisite"]
        assert (result["code"], result["field"], result["subjectId"]) == ("NOT_FOUND", "prerequisiteId", "ghost")

    def test_removing_an_edge_given_the_other_way_round_says_so(self, client: Client) -> None:
        # Only "does not exist": the designer, looking at the very edge, could not tell the ids were swapped.
        removed = client.execute(
            'mutation { removePrerequisite(conceptId: "add", prerequisiteId: "mul") '
            "{ ... on CurriculumError { code message } } }"
        )
        assert removed["removePrerequisite"] == {
            "code": "NOT_FOUND",
            "message": "prerequisite 'add -> mul' does not exist (add requires mul), but 'mul' requires 'add': "
            "did you swap them?",
        }


CREATE = """mutation($input: CreateConceptInput!) { createConcept(input: $input) {
  __typename ... on Concept { id label prerequisites { id } } ... on CurriculumError { code subjectId message } } }"""


class TestConceptLifecycle:
    def test_create_update_delete(self, client: Client) -> None:
        made = client.execute(CREATE, {"input": {"id": "cube", "label": "Cubics", "prerequisites": ["quad"]}})
        assert made["createConcept"] == {
            "__typename": "Concept",
            "id": "cube",
            "label": "Cubics",
            "prerequisites": [{"id": "quad"}],
        }
        dup = client.execute(CREATE, {"input": {"id": "cube", "label": "Again"}})["createConcept"]
        assert (dup["code"], dup["subjectId"]) == ("DUPLICATE", "cube")
        updated = client.execute(
            'mutation { updateConcept(input: {id: "cube", definition: "Degree 3"}) '
            "{ ... on Concept { label definition } } }"
        )
        assert updated["updateConcept"] == {"label": "Cubics", "definition": "Degree 3"}
        deleted = client.execute('mutation { deleteConcept(id: "cube") { __typename ... on Deleted { id } } }')
        assert deleted["deleteConcept"] == {"__typename": "Deleted", "id": "cube"}
        missing = client.execute('mutation { deleteConcept(id: "cube") { ... on CurriculumError { code } } }')
        assert missing["deleteConcept"] == {"code": "NOT_FOUND"}

    def test_an_update_from_a_stale_form_is_refused_with_conflict(self, client: Client) -> None:
        # Two designers saving forms read at the same moment both won in turn: the second put back what the
        # first had changed (an audit). A form names the version it read; a stale one is refused.
        read = client.execute('{ concept(id: "add") { version label definition } }')["concept"]
        update = """mutation($input: UpdateConceptInput!) { updateConcept(input: $input) {
          __typename ... on Concept { version label definition } ... on CurriculumError { code field message } } }"""
        first = client.execute(update, {"input": {"id": "add", "label": "Adding", "ifVersion": read["version"]}})
        assert first["updateConcept"]["label"] == "Adding"
        assert first["updateConcept"]["version"] != read["version"]
        second = client.execute(update, {"input": {"id": "add", "definition": "Sum.", "ifVersion": read["version"]}})
        assert (second["updateConcept"]["code"], second["updateConcept"]["field"]) == ("CONFLICT", "ifVersion")
        assert "was changed since this version was read" in second["updateConcept"]["message"]
        now = client.execute('{ concept(id: "add") { version label definition } }')["concept"]
        assert (now["label"], now["definition"]) == ("Adding", read["definition"]), "nothing of the stale form written"
        again = client.execute(update, {"input": {"id": "add", "definition": "Sum.", "ifVersion": now["version"]}})
        assert again["updateConcept"]["definition"] == "Sum."
        garbage = client.execute(update, {"input": {"id": "add", "label": "X", "ifVersion": "garbage"}})[
            "updateConcept"
        ]
        assert (garbage["code"], garbage["field"]) == ("INVALID", "ifVersion"), "no version was read: not CONFLICT"
        unchanged = client.execute(update, {"input": {"id": "add", "definition": "Sum."}})["updateConcept"]
        assert unchanged["version"] == again["updateConcept"]["version"], "an edit that changes nothing keeps it"

    def test_two_updates_of_different_fields_at_once_both_land(
        self, client: Client, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # Each read the concept, merged its field and wrote the whole, outside the graph's lock: an update
        # landing between another's read and write was put back by it.
        from resolvers.concepts import update_concept

        kg = client.kg
        read_once, other_done = threading.Event(), threading.Event()
        real = kg.concept

        def slow_first_read(ident: str) -> Any:
            found = real(ident)
            if not read_once.is_set():
                read_once.set()
                other_done.wait(timeout=1.0)  # the other update runs now, if nothing holds it back
            return found

        monkeypatch.setattr(kg, "concept", slow_first_read)
        first = threading.Thread(target=update_concept, args=(kg, "add", {"label": "Adding"}))
        first.start()
        read_once.wait()
        second = threading.Thread(target=lambda: (update_concept(kg, "add", {"definition": "Sum."}), other_done.set()))
        second.start()
        first.join()
        second.join()
        final = real("add")
        assert (final.label, final.definition) == ("Adding", "Sum.")

    def test_an_update_can_take_a_concept_out_of_its_curriculum(self, client: Client) -> None:
        # A left-out curriculumId keeps the curriculum; an explicit null used to mean the same, so none could go.
        update = """mutation($input: UpdateConceptInput!) {
          updateConcept(input: $input) { ... on Concept { curriculum { id } } } }"""
        kept = client.execute(update, {"input": {"id": "add", "label": "Adding"}})["updateConcept"]
        assert kept == {"curriculum": {"id": "arith"}}
        taken = client.execute(update, {"input": {"id": "add", "curriculumId": None}})["updateConcept"]
        assert taken == {"curriculum": None}
        assert client.execute('{ concept(id: "add") { label curriculum { id } } }')["concept"] == {
            "label": "Adding",
            "curriculum": None,
        }

    def test_a_deletion_says_what_went_with_the_concept(self, client: Client) -> None:
        # It used to answer the id alone, so a designer could not tell a leaf from a hub of the graph.
        translate = """mutation { setConceptTranslation(input: {conceptId: "add", language: "es", label: "Suma"}) {
          __typename } }"""
        assert client.execute(translate)["setConceptTranslation"] == {"__typename": "Concept"}
        query = """mutation { deleteConcept(id: "add") { ... on Deleted { id removed {
          prerequisites dependents narrower materialLinks estimates translations } } } }"""
        assert client.execute(query)["deleteConcept"] == {
            "id": "add",
            "removed": {
                "prerequisites": 0, "dependents": 2, "narrower": 1, "materialLinks": 2, "estimates": 0,
                "translations": 1,
            },
        }  # fmt: skip
        left = client.execute(
            '{ concept(id: "sub") { prerequisites { id } } material(id: "m_add") { teaches { id } } }'
        )
        assert left == {"concept": {"prerequisites": []}, "material": {"teaches": []}}

    def test_adding_an_edge_that_exists_sets_its_strength(self, client: Client) -> None:
        client.execute(
            'mutation { addPrerequisite(conceptId: "mul", prerequisiteId: "add", strength: 0.9) { __typename } }'
        )
        links = client.execute('{ concept(id: "mul") { prerequisiteLinks { prerequisite { id } strength } } }')
        assert links["concept"]["prerequisiteLinks"] == [{"prerequisite": {"id": "add"}, "strength": 0.9}]

    def test_invalid_input(self, client: Client) -> None:
        bad = client.execute(CREATE, {"input": {"id": "has space", "label": "X"}})["createConcept"]
        assert bad["code"] == "INVALID"

    def test_refusals_say_why(self, client: Client) -> None:
        query = """mutation($input: CreateConceptInput!) { createConcept(input: $input) {
          ... on CurriculumError { code field message } } }"""
        own = client.execute(query, {"input": {"id": "loop", "label": "L", "prerequisites": ["loop"]}})
        assert own["createConcept"] == {
            "code": "INVALID", "field": "prerequisites", "message": "concept 'loop' cannot be its own prerequisite"
        }  # fmt: skip
        update = """mutation($input: UpdateConceptInput!) { updateConcept(input: $input) {
          ... on CurriculumError { code problems } } }"""
        problems = client.execute(update, {"input": {"id": "quad", "label": " ", "broader": ["quad"]}})
        assert problems["updateConcept"] == {
            "code": "INVALID",
            "problems": ["concept 'quad' has an empty label", "concept 'quad' cannot be broader than itself"],
        }
        assert client.execute('{ concept(id: "quad") { label } }') == {"concept": {"label": "Quadratics"}}

    def test_a_long_id_is_told_it_is_too_long_and_not_echoed_whole(self, client: Client) -> None:
        # A 5,000-character slug was told it "is not a slug ([A-Za-z0-9_.-])", every character of it one, and
        # the refusal and a path's NOT_FOUND quoted it whole: 10 kB of x's to say one id was wrong.
        query = """mutation($input: CreateConceptInput!) { createConcept(input: $input) {
          ... on CurriculumError { code message } } }"""
        long = "x" * 5000
        refused = client.execute(query, {"input": {"id": long, "label": "X"}})["createConcept"]
        assert refused["code"] == "INVALID"
        assert refused["message"].endswith("...' (5,000 characters) is too long: a slug has at most 200 characters"), (
            refused["message"]
        )
        assert len(refused["message"]) < 200
        missing = client.execute(
            """query($t: [ID!]!) { learningPath(targets: $t) { ... on PathError { code message } } }""", {"t": [long]}
        )["learningPath"]
        assert missing["code"] == "NOT_FOUND"
        assert "(5,000 characters) does not exist" in missing["message"]
        assert len(missing["message"]) < 200

    def test_labels_are_stored_composed_and_trimmed_and_invisible_characters_refused(self, client: Client) -> None:
        # "Álgebra" typed composed and pasted decomposed made two concepts that looked alike; a label of
        # one zero-width space looked empty; U+202E turned a label round; a 100,000-character label passed.
        query = """mutation($input: CreateConceptInput!) { createConcept(input: $input) {
          ... on Concept { label altLabels } ... on CurriculumError { code field problems } } }"""
        made = client.execute(query, {"input": {"id": "alg", "label": "  A\u0301lgebra ", "altLabels": [" x "]}})
        assert made["createConcept"] == {"label": "Álgebra", "altLabels": ["x"]}
        for label, says in [
            ("\u200b", "has an empty label"),
            ("Ratio\u202e", "has U+202E in its label"),
            ("Tab\x00le", "has U+0000 in its label"),
            ("Two\nlines", "has U+000A in its label"),
            ("x" * 501, "has a label of 501 characters, more than 500"),
        ]:
            refused = client.execute(query, {"input": {"id": "bad", "label": label}})["createConcept"]
            assert (refused["code"], refused["field"]) == ("INVALID", "label"), label
            assert says in refused["problems"][0]
        ok = client.execute(query, {"input": {"id": "hi", "label": "नमस्ते 👩\u200d🏫", "definition": "Line 1\nLine 2"}})
        assert ok["createConcept"]["label"] == "नमस्ते 👩\u200d🏫"  # joiners and line breaks in a definition are text

    def test_texts_and_alternative_labels_have_limits(self, client: Client) -> None:
        # A 900 KB definition and 20,000 alternative labels on one concept were accepted.
        create = """mutation($input: CreateConceptInput!) { createConcept(input: $input) {
          ... on Concept { id } ... on CurriculumError { code field problems } } }"""
        update = """mutation($input: UpdateConceptInput!) { updateConcept(input: $input) {
          ... on Concept { id } ... on CurriculumError { code field problems } } }"""
        translate = """mutation($input: SetConceptTranslationInput!) { setConceptTranslation(input: $input) {
          ... on Concept { id } ... on CurriculumError { code field problems } } }"""
        huge = {"id": "big", "label": "Big", "definition": "x" * 900_000}
        assert client.execute(create, {"input": huge})["createConcept"] == {
            "code": "INVALID",
            "field": "definition",
            "problems": ["concept 'big' has a definition of 900000 characters, more than 10000"],
        }
        many = [f"alias {i}" for i in range(20_000)]
        assert client.execute(update, {"input": {"id": "quad", "altLabels": many}})["updateConcept"] == {
            "code": "INVALID",
            "field": "altLabels",
            "problems": ["concept 'quad' has 20000 alternative labels, more than 5000"],  # every language's
        }
        spanish = {"conceptId": "quad", "language": "es", "label": "Cuadráticas", "definition": "y" * 10_001}
        refused = client.execute(translate, {"input": spanish})["setConceptTranslation"]
        assert (refused["code"], refused["field"]) == ("INVALID", "definition")
        at_the_limit = {"id": "big", "label": "Big", "definition": "x" * 10_000, "altLabels": many[:500]}
        assert client.execute(create, {"input": at_the_limit})["createConcept"] == {"id": "big"}
        assert client.execute('{ concept(id: "quad") { altLabels } }')["concept"]["altLabels"] == []

    def test_a_concept_in_many_languages_can_still_be_edited(self, client: Client) -> None:
        # 500 labels of its own and 150 German ones: updateConcept checked its list (every language's) against one
        # language's limit, and refused every edit, the definition's too (an audit).
        update = """mutation($input: UpdateConceptInput!) { updateConcept(input: $input) {
          ... on Concept { definition } ... on CurriculumError { code field problems } } }"""
        translate = """mutation($input: SetConceptTranslationInput!) { setConceptTranslation(input: $input) {
          ... on Concept { id } ... on CurriculumError { code field problems } } }"""
        client.execute(update, {"input": {"id": "quad", "altLabels": [f"q{i}" for i in range(500)]}})
        german = {
            "conceptId": "quad",
            "language": "de",
            "label": "Quadratisch",
            "altLabels": [f"d{i}" for i in range(150)],
        }
        assert client.execute(translate, {"input": german})["setConceptTranslation"] == {"id": "quad"}
        edited = client.execute(update, {"input": {"id": "quad", "definition": "Degree two."}})["updateConcept"]
        assert edited == {"definition": "Degree two."}
        for n in range(9):  # nine languages of 500 more would pass 5,000 in all
            more = {
                "conceptId": "quad",
                "language": f"x-l{n}",
                "label": "Q",
                "altLabels": [f"l{n}-{i}" for i in range(500)],
            }
            answer = client.execute(translate, {"input": more})["setConceptTranslation"]
            if "code" in answer:
                break
        assert (answer["code"], answer["field"]) == ("INVALID", "altLabels")
        assert "alternative labels in all its languages, more than 5,000" in answer["problems"][0]
        assert client.execute(update, {"input": {"id": "quad", "definition": "Still editable."}})["updateConcept"] == {
            "definition": "Still editable."
        }

    def test_a_problem_of_several_alternative_labels_is_said_once_naming_them(self, client: Client) -> None:
        # ["a", "a", "", " "] said "has an empty alternative label" twice, and not which entries
        update = """mutation($input: UpdateConceptInput!) { updateConcept(input: $input) {
          ... on CurriculumError { code field problems } } }"""
        refused = client.execute(update, {"input": {"id": "quad", "altLabels": ["a", "a", "", " "]}})
        assert refused["updateConcept"] == {
            "code": "INVALID",
            "field": "altLabels",
            "problems": ["concept 'quad' has an empty alternative label (entries 3 and 4 of 4)"],
        }

    def test_an_edit_leaving_one_language_over_its_limit_is_refused(self, client: Client) -> None:
        # 501 alternative labels through updateConcept were stored (its list is every language's, up to 5,000), and
        # the graph's own export was then refused by every import ("501 alternative labels, more than 500")
        update = """mutation($input: UpdateConceptInput!) { updateConcept(input: $input) {
          ... on Concept { altLabels } ... on CurriculumError { code field problems } } }"""
        client.execute(update, {"input": {"id": "quad", "altLabels": ["parabola"]}})
        refused = client.execute(update, {"input": {"id": "quad", "altLabels": [f"l{i}" for i in range(501)]}})
        assert refused["updateConcept"] == {
            "code": "INVALID",
            "field": "altLabels",
            "problems": ["concept 'quad' would have 501 alternative labels, more than 500"],
        }
        assert client.execute('{ concept(id: "quad") { altLabels } }')["concept"]["altLabels"] == ["parabola"]
        kept = client.execute(update, {"input": {"id": "quad", "altLabels": [f"l{i}" for i in range(500)]}})
        assert len(kept["updateConcept"]["altLabels"]) == 500

    def test_materials_and_curricula_have_limits_too(self, client: Client) -> None:
        material = """mutation($input: CreateMaterialInput!) { createMaterial(input: $input) {
          ... on Material { id } ... on CurriculumError { code field problems } } }"""
        curriculum = """mutation($input: CreateCurriculumInput!) { createCurriculum(input: $input) {
          ... on Curriculum { id } ... on CurriculumError { code field problems } } }"""
        base = {"id": "m_big", "title": "Big", "type": "READING", "teaches": ["quad"]}
        for field, value, says in [
            ("text", "t" * 500_001, "material 'm_big' has a text of 500001 characters, more than 500000"),
            ("url", "https://x.org/" + "u" * 8_000, "material 'm_big': url of 8014 characters is longer than 8000"),
            (
                "accessibilitySummary",
                "s" * 10_001,
                "material 'm_big' has an accessibility summary of 10001 characters, more than 10000",
            ),
        ]:
            refused = client.execute(material, {"input": {**base, field: value}})["createMaterial"]
            assert refused == {"code": "INVALID", "field": field, "problems": [says]}
        assert client.execute(material, {"input": {**base, "text": "t" * 500_000}})["createMaterial"] == {"id": "m_big"}
        refused = client.execute(curriculum, {"input": {"id": "geo", "title": "Geometry", "description": "d" * 10_001}})
        assert refused["createCurriculum"] == {
            "code": "INVALID",
            "field": "description",
            "problems": ["curriculum 'geo' has a description of 10001 characters, more than 10000"],
        }

    def test_a_csv_import_over_a_limit_is_refused_whole_with_the_line(self, client: Client) -> None:
        # A 5 MB definition was imported from concepts.csv.
        csv = {
            "concepts": f"id,label,definition,alt_labels\nfine,Fine,Short.,\nbig,Big,{'x' * 5_000_000},\n"
            f"aka,Aka,,{'|'.join(f'a{i}' for i in range(501))}\n",
            "materials": "id,title,type,teaches,text\nm_fine,Fine,reading,fine,ok\n"
            f"m_big,Big,reading,fine,{'t' * 500_001}\n",
            "curricula": f"id,title,description\ngeo,Geometry,{'d' * 10_001}\n",
        }
        refused = client.execute(IMPORT, {"input": {"format": "CSV", "csv": csv}})["importCurriculum"]
        assert refused["code"] == "INVALID"
        assert refused["problems"] == [
            "curricula.csv:line 2: curriculum 'geo' has a description of 10001 characters, more than 10000",
            "concepts.csv:line 3: concept 'big' has a definition of 5000000 characters, more than 10000",
            "concepts.csv:line 4: concept 'aka' has 501 alternative labels, more than 500",
            "materials.csv:line 3: material 'm_big' has a text of 500001 characters, more than 500000",
        ]
        assert client.execute('{ concept(id: "fine") { id } material(id: "m_fine") { id } }') == {
            "concept": None,
            "material": None,
        }

    def test_a_created_or_updated_concept_answers_as_stored(self, client: Client) -> None:
        # It echoed the input: ["a", "a", "Fußball"] came back, while a read gave ["Fußball", "a"].
        fields = "... on Concept { label altLabels } ... on CurriculumError { code }"
        create = f"mutation($input: CreateConceptInput!) {{ createConcept(input: $input) {{ {fields} }} }}"
        update = f"mutation($input: UpdateConceptInput!) {{ updateConcept(input: $input) {{ {fields} }} }}"
        read = '{ concept(id: "dup") { label altLabels } }'
        made = client.execute(create, {"input": {"id": "dup", "label": "Dup", "altLabels": ["a", "a", "Fußball"]}})
        assert made["createConcept"] == client.execute(read)["concept"]
        assert sorted(made["createConcept"]["altLabels"]) == ["Fußball", "a"]
        changed = client.execute(update, {"input": {"id": "dup", "altLabels": ["b", "b"]}})
        assert changed["updateConcept"] == client.execute(read)["concept"] == {"label": "Dup", "altLabels": ["b"]}

    def test_every_problem_of_a_new_concept_comes_at_once(self, client: Client) -> None:
        # Only the unknown prerequisite was reported (NOT_FOUND, no problems): the empty label came on the next try.
        query = """mutation($input: CreateConceptInput!) { createConcept(input: $input) {
          ... on CurriculumError { code problems } } }"""
        new = {"id": "q1", "label": "  ", "prerequisites": ["nope"], "broader": ["q1"]}
        assert client.execute(query, {"input": new})["createConcept"] == {
            "code": "INVALID",
            "problems": [
                "concept 'q1' has an empty label",
                "concept 'q1' cannot be broader than itself",
                "concept 'nope' does not exist",
            ],
        }

    def test_a_malformed_iri_is_invalid_not_an_unexpected_error(self, client: Client) -> None:
        query = """mutation($input: CreateConceptInput!) { createConcept(input: $input) {
          ... on CurriculumError { code problems } } }"""
        refused = client.execute(query, {"input": {"id": "http://exa mple.org/x", "label": "X"}})["createConcept"]
        assert refused == {
            "code": "INVALID",
            "problems": ["concept id 'http://exa mple.org/x' is not a slug ([A-Za-z0-9_.-]) or an absolute IRI"],
        }
        material = {"id": "http://x.org/<m>", "title": "T", "type": "VIDEO"}
        assert client.execute(MATERIAL, {"input": material})["createMaterial"]["code"] == "INVALID"
        # a javascript: id was stored, and a frontend linking ids would run it (an audit)
        script = client.execute(query, {"input": {"id": "javascript:alert(document.cookie)", "label": "X"}})
        assert script["createConcept"]["code"] == "INVALID"
        assert "is a javascript: IRI" in script["createConcept"]["problems"][0]
        inline = {"id": "DATA:text/html,<b>", "title": "T", "type": "VIDEO"}
        assert client.execute(MATERIAL, {"input": inline})["createMaterial"]["code"] == "INVALID"

    def test_a_script_id_an_earlier_release_stored_stays_readable_and_deletable(self, client: Client) -> None:
        # Refusing such ids on every read left a store that held one unable to export its curriculum or delete
        # the concept, and a material's id stopped the question index (an upgrade audit).
        from graph.bundle import CurriculumBundle
        from graph.model import Concept
        from graph.rdf_mapping import bundle_triples
        from ingest.export import export_text
        from ingest.formats import read_text

        old = Concept("javascript:alert(1)", "Legacy", curriculum="arith")
        client.kg.commit([], list(bundle_triples(CurriculumBundle(concepts=(old,)))), lambda: None)
        client.kg.rebuild_projection()  # as a start on the stored data does
        found = client.execute('{ concept(id: "javascript:alert(1)") { label } }')
        assert found == {"concept": {"label": "Legacy"}}
        exported = export_text(client.kg, "turtle", "arith")
        assert client.kg.import_bundle(read_text(exported, "turtle"), replace_existing=True).counts["concepts"] >= 1
        gone = client.execute('mutation { deleteConcept(id: "javascript:alert(1)") { __typename } }')
        assert gone["deleteConcept"]["__typename"] != "CurriculumError"

    def test_a_broader_cycle_through_stored_links_is_refused(self, client: Client) -> None:
        # updateConcept accepted "a under b" then "b under a"; an import refused the same pair.
        update = """mutation($input: UpdateConceptInput!) { updateConcept(input: $input) {
          __typename ... on CurriculumError { code field message } } }"""
        assert client.execute(update, {"input": {"id": "add", "broader": ["quad"]}})["updateConcept"] == {
            "__typename": "Concept"
        }
        refused = client.execute(update, {"input": {"id": "quad", "broader": ["add"]}})["updateConcept"]
        assert (refused["code"], refused["field"]) == ("INVALID", "broader")
        assert refused["message"] == "broader cycle: add under quad under add (a concept cannot be under itself)"
        turtle = "<quad> skos:broader <add> ; a skos:Concept ; skos:prefLabel 'Quadratics' ."
        prefixes = "@prefix skos: <http://www.w3.org/2004/02/skos/core#> ."
        doc = f"{prefixes} @base <https://w3id.org/pathwise/id/concept/> . {turtle}"
        imported = client.execute(IMPORT, {"input": {"format": "TURTLE", "content": doc, "replaceExisting": True}})
        assert imported["importCurriculum"]["code"] == "INVALID"
        assert "broader cycle" in imported["importCurriculum"]["message"]
        assert client.execute('{ concept(id: "quad") { broader { id } } }') == {"concept": {"broader": []}}

    def test_a_material_link_to_another_host_must_name_its_scheme(self, client: Client) -> None:
        # "//evil.example/x" passed as a relative link: a page renders it as a link to that host.
        material = {"id": "m_pr", "title": "T", "type": "VIDEO", "teaches": ["quad"], "url": "//evil.example/x"}
        refused = client.execute(MATERIAL, {"input": material})["createMaterial"]
        assert refused["problems"] == [
            "material 'm_pr': url starts with '//', which links to another host under the page's scheme: "
            "write it with https:"
        ]
        material["url"] = "/library/x"
        assert "problems" not in client.execute(MATERIAL, {"input": material})["createMaterial"]

    def test_a_material_link_must_be_http(self, client: Client) -> None:
        material = {"id": "m_js", "title": "T", "type": "VIDEO", "teaches": ["quad"], "url": " JavaScript:alert(1)"}
        refused = client.execute(MATERIAL, {"input": material})["createMaterial"]
        assert refused["problems"] == ["material 'm_js': url scheme 'javascript' is not http or https"]
        material["url"] = 'https://example.org/"><script>'
        refused = client.execute(MATERIAL, {"input": material})["createMaterial"]
        assert refused["problems"] == [
            "material 'm_js': url holds '\"', '<', '>', which a URL cannot hold as it is (percent-encode them)"
        ]
        material["url"] = "https://example.org/v"
        assert client.execute(MATERIAL, {"input": material})["createMaterial"] == {
            "__typename": "Material",
            "id": "m_js",
        }


class TestMaterialMutations:
    def test_create_link_unlink_delete(self, client: Client) -> None:
        made = client.execute(
            """mutation { createMaterial(input: {id: "m_new", title: "New", type: VIDEO, difficulty: 2, minutes: 7,
                 teaches: ["quad"]}) { __typename ... on Material { id type teaches { id } } } }"""
        )
        assert made["createMaterial"] == {
            "__typename": "Material",
            "id": "m_new",
            "type": "VIDEO",
            "teaches": [{"id": "quad"}],
        }
        linked = client.execute(
            'mutation { linkMaterial(materialId: "m_new", conceptId: "eq", relation: ASSESSES) '
            "{ ... on Material { assesses { id } } } }"
        )
        assert linked["linkMaterial"] == {"assesses": [{"id": "eq"}]}
        unlinked = client.execute(
            'mutation { unlinkMaterial(materialId: "m_new", conceptId: "quad") { ... on Material { teaches { id } } } }'
        )
        assert unlinked["unlinkMaterial"] == {"teaches": []}
        updated = client.execute(
            'mutation { updateMaterial(input: {id: "m_new", difficulty: 6}) '
            "{ ... on CurriculumError { code message } } }"
        )
        assert updated["updateMaterial"]["code"] == "INVALID"
        # a path's minutes add up in GraphQL's 32-bit Int: 2**31 - 1 minutes broke every path through it
        too_long = client.execute(
            'mutation { updateMaterial(input: {id: "m_new", minutes: 2147483647}) '
            "{ ... on CurriculumError { message } } }"
        )
        assert too_long["updateMaterial"] == {
            "message": "1 problem(s): material 'm_new': minutes 2147483647 is not in 1..6000"
        }
        for mutation in (
            'linkMaterial(materialId: "m_none", conceptId: "eq")',
            'unlinkMaterial(materialId: "m_none", conceptId: "eq")',
            'updateMaterial(input: {id: "m_none", difficulty: 2})',
        ):  # the field was null: a form could not tell which input was wrong
            missing = client.execute(f"mutation {{ {mutation} {{ ... on CurriculumError {{ code field }} }} }}")
            [answer] = missing.values()
            assert answer == {"code": "NOT_FOUND", "field": "id" if "update" in mutation else "materialId"}
        gone = client.execute('mutation { deleteMaterial(id: "m_new") { __typename } }')
        assert gone["deleteMaterial"] == {"__typename": "Deleted"}


IMPORT = """mutation($input: ImportCurriculumInput!) { importCurriculum(input: $input) {
  __typename ... on ImportSummary { concepts prerequisites materials dangling cycles droppedEdges dryRun }
  ... on CurriculumError { code message problems cycles } } }"""


class TestImportCurriculum:
    def test_a_curriculum_cannot_write_learner_data(self, client: Client) -> None:
        # Unmodelled triples are kept as they come: this Turtle made a teacher a class's
        # teacher, enrolled a student and set a mastery estimate, as a designer.
        turtle = """@prefix pw: <https://w3id.org/pathwise/vocab#> .
<https://w3id.org/pathwise/id/cohort/c2> pw:teacher "t1" .
<https://w3id.org/pathwise/id/student/stu-1> pw:memberOf <http://example.org/class> .
<http://example.org/m1> a pw:Mastery ; pw:probability 0.99 .
<http://example.org/c/ok> a <http://www.w3.org/2004/02/skos/core#Concept> ;
    <http://www.w3.org/2004/02/skos/core#prefLabel> "Fine" ."""
        before = client.execute("{ concepts { totalCount } }")
        refused = client.execute(IMPORT, {"input": {"format": "TURTLE", "content": turtle}})["importCurriculum"]
        assert refused["code"] == "INVALID"
        assert len(refused["problems"]) == 4
        assert all("is learner data: a curriculum carries no students" in p for p in refused["problems"])
        assert any(
            'pathwise/id/cohort/c2> <https://w3id.org/pathwise/vocab#teacher> "t1"' in p for p in refused["problems"]
        )
        assert client.execute("{ concepts { totalCount } }") == before

    def test_a_cohort_named_by_its_own_iri_is_learner_data_too(self, client: Client) -> None:
        # Only IRIs under Pathwise's namespace were checked: a designer renamed this class.
        create_cohort(client.kg, "urn:school:class-9c", "9C")
        label = '<urn:school:class-9c> <http://www.w3.org/2000/01/rdf-schema#label> "renamed by a designer" .'
        refused = client.execute(IMPORT, {"input": {"format": "NTRIPLES", "content": label}})["importCurriculum"]
        assert refused["code"] == "INVALID"
        assert refused["problems"] == [
            f"triple {label.removesuffix(' .')} is learner data: a curriculum carries no students, cohorts, "
            "attempts or mastery estimates"
        ]
        assert client.execute('{ cohort(id: "urn:school:class-9c") { name } }') == {"cohort": {"name": "9C"}}
        other = '<urn:school:class-9d> <http://www.w3.org/2000/01/rdf-schema#label> "a note" .'  # no such cohort
        kept = client.execute(IMPORT, {"input": {"format": "NTRIPLES", "content": other}})["importCurriculum"]
        assert kept["__typename"] == "ImportSummary"

    def test_a_stray_in_scheme_leaves_the_curriculum_exportable(self, client: Client) -> None:
        stray = (
            "<urn:stray:1> <http://www.w3.org/2004/02/skos/core#inScheme> "
            "<https://w3id.org/pathwise/id/curriculum/arith> ."
        )
        kept = client.execute(IMPORT, {"input": {"format": "NTRIPLES", "content": stray}})["importCurriculum"]
        assert kept["__typename"] == "ImportSummary"
        turtle = client.execute('{ exportCurriculum(curriculumId: "arith") }')["exportCurriculum"]
        assert "Quadratics" in turtle  # it failed with "The node urn:stray:1 is not in the digraph"

    def test_a_stored_concept_gets_no_second_label_from_loose_triples(self, client: Client) -> None:
        # Accepted without replaceExisting: the concept had two labels, and exports listed both.
        base = "@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @base <https://w3id.org/pathwise/id/concept/> ."
        second = f"{base} <quad> skos:prefLabel 'Another label' ."
        refused = client.execute(IMPORT, {"input": {"format": "TURTLE", "content": second}})["importCurriculum"]
        assert refused["code"] == "INVALID"
        assert refused["problems"] == [
            "triple <https://w3id.org/pathwise/id/concept/quad> <http://www.w3.org/2004/02/skos/core#prefLabel> "
            "\"Another label\" sets a value of the stored concept 'quad': change it with updateConcept, or import "
            "the concept whole with replaceExisting"
        ]
        assert "Another label" not in client.execute("{ exportCurriculum(format: TURTLE) }")["exportCurriculum"]
        aligned = f"{base} <quad> skos:exactMatch <http://example.org/quadratics> ."
        kept = client.execute(IMPORT, {"input": {"format": "TURTLE", "content": aligned}})["importCurriculum"]
        assert kept["__typename"] == "ImportSummary"  # an alignment to another scheme is still welcome

    def test_csv_upload(self, client: Client) -> None:
        csv = {"concepts": "id,label\nlog,Logarithms\n", "prerequisites": "concept,prerequisite\nlog,mul\nlog,ghost\n"}
        result = client.execute(IMPORT, {"input": {"format": "CSV", "csv": csv, "allowDangling": True}})
        assert (result["importCurriculum"]["concepts"], result["importCurriculum"]["prerequisites"]) == (1, 1)
        assert result["importCurriculum"]["dangling"] == [
            "prerequisites.csv:line 3: prerequisite log -> ghost (log requires ghost): unknown ghost"
        ]

    def test_a_dangling_reference_refuses_the_import_with_the_cycle_beside_it(self, client: Client) -> None:
        # It imported as a success without the link, and a cycle in the same file came only once it was fixed.
        csv = {
            "concepts": "id,label\nlog,Logarithms\nexp,Exponentials\n",
            "prerequisites": "concept,prerequisite\nlog,exp\nexp,log\n",
            "materials": "id,title,type,teaches\nm_log,Logs,video,logs\n",
        }
        refused = client.execute(IMPORT, {"input": {"format": "CSV", "csv": csv}})["importCurriculum"]
        assert refused["code"] == "INVALID"
        assert refused["problems"] == [
            "materials.csv:line 2: material m_log: taught concept logs unknown (did you mean 'log'?)",
            "prerequisite cycle: exp -> log -> exp (prerequisites.csv:line 3: exp -> log, "
            "prerequisites.csv:line 2: log -> exp)",
        ]
        assert refused["cycles"] == [["exp", "log"]]
        assert "allowDangling" in refused["message"]
        assert client.execute('{ concept(id: "log") { id } }') == {"concept": None}
        turtle = (
            "@prefix schema: <https://schema.org/> . <https://w3id.org/pathwise/id/material/m_t> a "
            "schema:LearningResource ; schema:name 'T' ; schema:teaches <https://w3id.org/pathwise/id/concept/qaud> ."
        )
        refused = client.execute(IMPORT, {"input": {"format": "TURTLE", "content": turtle}})["importCurriculum"]
        assert refused["problems"] == ["material m_t: taught concept qaud unknown (did you mean 'quad'?)"]

    def test_a_csv_replace_without_the_accessibility_columns_keeps_a_hazard(self, client: Client) -> None:
        # The walkthrough's materials.csv, written before the accessibility columns, took `flashing` away.
        strobe = {"id": "m_strobe", "title": "Strobe", "type": "VIDEO", "teaches": ["quad"]}
        created = client.execute(MATERIAL, {"input": {**strobe, "accessibilityHazards": ["flashing"]}})
        assert created["createMaterial"]["__typename"] == "Material"
        legacy = "id,title,type,difficulty,minutes,teaches,assesses,url,text\nm_strobe,Strobe II,video,1,3,quad,,,\n"
        query = """mutation($input: ImportCurriculumInput!) { importCurriculum(input: $input) {
          ... on ImportSummary { materials warnings } } }"""
        csv = {"format": "CSV", "csv": {"materials": legacy}, "replaceExisting": True}
        summary = client.execute(query, {"input": csv})["importCurriculum"]
        assert summary["materials"] == 1
        assert summary["warnings"] == [
            "the import states no language, access_modes, access_mode_sufficient, accessibility_features, "
            "accessibility_hazards, accessibility_summary, activity_ids of materials: kept the stored values of 1 "
            "material (m_strobe)"
        ]
        stored = client.execute('{ material(id: "m_strobe") { title accessibilityHazards } }')["material"]
        assert stored == {"title": "Strobe II", "accessibilityHazards": ["flashing"]}

    def test_a_turtle_replace_without_accessibility_keeps_a_hazard(self, client: Client) -> None:
        # The walkthrough's strobe_replace.ttl, a repository's export: the hazard, language and
        # LMS activity ids went, with `warnings: []`.
        strobe = {"id": "m_strobe", "title": "Strobe", "type": "VIDEO", "teaches": ["quad"], "language": "en"}
        activity = "https://h5p.example/content/9"
        created = client.execute(
            MATERIAL, {"input": {**strobe, "accessibilityHazards": ["flashing"], "activityIds": [activity]}}
        )
        assert created["createMaterial"]["__typename"] == "Material"
        turtle = """@prefix schema: <https://schema.org/> .
<https://w3id.org/pathwise/id/material/m_strobe> a schema:LearningResource ;
  schema:name "Strobe (from the LOR)" ; schema:learningResourceType "video" ;
  schema:teaches <https://w3id.org/pathwise/id/concept/quad> ."""
        query = """mutation($input: ImportCurriculumInput!) { importCurriculum(input: $input) {
          ... on ImportSummary { materials warnings } } }"""
        summary = client.execute(query, {"input": {"format": "TURTLE", "content": turtle, "replaceExisting": True}})
        assert summary["importCurriculum"] == {
            "materials": 1,
            "warnings": [
                "the import states no language, accessibility_hazards, activity_ids of materials: kept the stored "
                "values of 1 material (m_strobe)"
            ],
        }
        stored = client.execute('{ material(id: "m_strobe") { title language accessibilityHazards activityIds } }')
        assert stored["material"] == {
            "title": "Strobe (from the LOR)",
            "language": "en",
            "accessibilityHazards": ["flashing"],
            "activityIds": [activity],
        }

    def test_cycle_refused_then_broken_on_request(self, client: Client) -> None:
        csv = {"concepts": "id,label\np,P\nq,Q\n", "prerequisites": "concept,prerequisite\np,q\nq,p\n"}
        refused = client.execute(IMPORT, {"input": {"format": "CSV", "csv": csv}})["importCurriculum"]
        assert (refused["code"], refused["cycles"]) == ("CYCLE", [["p", "q"]])
        assert client.execute('{ concept(id: "p") { id } }') == {"concept": None}
        broken = client.execute(IMPORT, {"input": {"format": "CSV", "csv": csv, "breakCycles": True}})
        assert len(broken["importCurriculum"]["droppedEdges"]) == 1

    def test_a_cycle_names_the_lines_of_its_edges(self, client: Client) -> None:
        # A dangling link or a self-loop was refused with its line, a cycle with its path alone.
        csv = {
            "concepts": "id,label\nlog,Logarithms\nexp,Exponentials\n",
            "prerequisites": "concept,prerequisite\nlog,sub\nexp,log\nadd,exp\n",
        }
        query = """mutation($input: ImportCurriculumInput!) { importCurriculum(input: $input) {
          ... on CurriculumError { code message cycle cycles problems } } }"""
        given = {"format": "CSV", "csv": csv, "replaceExisting": True}
        refused = client.execute(query, {"input": given})["importCurriculum"]
        # add -> exp -> log -> sub -> add: three edges of the file and a stored one (sub requires add)
        assert refused == {
            "code": "CYCLE",
            "message": "prerequisite cycle: add -> exp -> log -> sub -> add (prerequisites.csv:line 4: add -> exp, "
            "prerequisites.csv:line 3: exp -> log, prerequisites.csv:line 2: log -> sub)",
            "cycle": ["add", "exp", "log", "sub"],
            "cycles": [["add", "exp", "log", "sub"]],
            "problems": [],
        }

    def test_malformed_document_lists_where(self, client: Client) -> None:
        result = client.execute(IMPORT, {"input": {"format": "NTRIPLES", "content": "<http://x/a> <http://x/b> ."}})
        assert result["importCurriculum"]["code"] == "INVALID"
        assert result["importCurriculum"]["problems"][0].startswith("<upload>:line 1, column")

    def test_nothing_to_import_is_refused_not_reported_as_an_empty_import(self, client: Client) -> None:
        cases = [
            ({"format": "TURTLE"}, "content", "format TURTLE takes the document in `content`: none was given"),
            ({"format": "CSV", "content": "id,label\na,b"}, "csv", "format CSV takes its files in `csv`: none was "
             "given (`content` is for the other formats)"),
            ({"format": "CSV", "csv": {}}, "csv", "format CSV takes its files in `csv`: none was given"),
            ({"format": "TURTLE", "content": "@prefix x: <http://x/> ."}, "content",
             "the document holds no curriculum, concept, prerequisite or material"),
            # both given: the one the format does not read was left unread without a word (an audit)
            ({"format": "TURTLE", "content": "x", "csv": {"concepts": "id,label\na,b"}}, "csv",
             "format TURTLE takes the document in `content`; `csv` is for format CSV"),
            ({"format": "CSV", "content": "x", "csv": {"concepts": "id,label\na,b"}}, "content",
             "format CSV takes its files in `csv`; `content` is for the other formats"),
        ]  # fmt: skip
        query = """mutation($input: ImportCurriculumInput!) { importCurriculum(input: $input) {
          ... on CurriculumError { code field message problems } } }"""
        for given, field, message in cases:
            result = client.execute(query, {"input": given})["importCurriculum"]
            assert result == {"code": "INVALID", "field": field, "message": message, "problems": [message]}, given
        note = '<https://w3id.org/pathwise/id/concept/quad> <http://www.w3.org/2004/02/skos/core#note> "Hard." .'
        kept = client.execute(IMPORT, {"input": {"format": "NTRIPLES", "content": note}})["importCurriculum"]
        assert kept["__typename"] == "ImportSummary"  # triples Pathwise does not model are something to import

    def test_dry_run_writes_nothing(self, client: Client) -> None:
        csv = {"concepts": "id,label\nlog,Logarithms\n"}
        result = client.execute(IMPORT, {"input": {"format": "CSV", "csv": csv, "dryRun": True}})
        assert result["importCurriculum"]["dryRun"] is True
        assert client.execute('{ concept(id: "log") { id } }') == {"concept": None}


MATERIAL = """mutation($input: CreateMaterialInput!) { createMaterial(input: $input) {
  __typename ... on Material { id } ... on CurriculumError { code message problems } } }"""


class TestAnIriNamesOneThing:
    def test_pathwise_own_iris_are_not_ids(self, client: Client) -> None:
        # The IRI of concept `quad` (or of a student) taken as a new id was a second name for it:
        # a second label on `quad`, and a delete through it removed a student's links.
        before = client.execute("{ concepts { totalCount } }")
        for iri in ("https://w3id.org/pathwise/id/concept/quad", "https://w3id.org/pathwise/id/student/stu-1"):
            refused = client.execute(CREATE, {"input": {"id": iri, "label": "Alias"}})["createConcept"]
            assert refused["code"] == "INVALID", iri
            assert "under Pathwise's own namespace: use its slug" in refused["message"]
        assert client.execute("{ concepts { totalCount } }") == before
        assert client.execute('{ concept(id: "quad") { label } }') == {"concept": {"label": "Quadratics"}}

    def test_a_concepts_iri_cannot_name_a_material(self, client: Client) -> None:
        iri = "http://example.org/c/1"
        assert client.execute(CREATE, {"input": {"id": iri, "label": "Outside"}})["createConcept"]["__typename"] == (
            "Concept"
        )
        clash = {"id": iri, "title": "Same IRI", "type": "VIDEO", "difficulty": 2, "minutes": 5, "teaches": ["quad"]}
        refused = client.execute(MATERIAL, {"input": clash})["createMaterial"]
        assert refused["code"] == "INVALID"
        assert refused["problems"] == [f"material id '{iri}' is already the IRI of a concept"]
        field = "... on CurriculumError { field }"
        form = f"mutation($input: CreateMaterialInput!) {{ createMaterial(input: $input) {{ {field} }} }}"
        assert client.execute(form, {"input": clash})["createMaterial"] == {"field": "id"}  # it was null
        assert client.execute("query($i: ID!) { concept(id: $i) { label } }", {"i": iri}) == {
            "concept": {"label": "Outside"}
        }

    def test_one_batch_cannot_give_two_kinds_one_iri(self, client: Client) -> None:
        text = """@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<http://example.org/x> a skos:Concept ; skos:prefLabel "X" .
<http://example.org/x> a schema:LearningResource ; schema:name "X too" ; schema:learningResourceType "video" ."""
        result = client.execute(IMPORT, {"input": {"format": "TURTLE", "content": text}})["importCurriculum"]
        assert result["code"] == "INVALID", result
        assert result["problems"] == ["material id 'http://example.org/x' is also a concept id in this batch"]
        assert client.execute('{ concepts(search: "X") { totalCount } }') == {"concepts": {"totalCount": 0}}


class TestIdPrefix:
    def test_a_prefixed_document_sits_beside_the_stored_ids_and_links_to_the_others(self, client: Client) -> None:
        csv = {"concepts": "id,label\nquad,Quadratics elsewhere\n", "prerequisites": "concept,prerequisite\nquad,add\n"}
        done = client.execute(IMPORT, {"input": {"format": "CSV", "csv": csv, "idPrefix": "other_"}})[
            "importCurriculum"
        ]
        assert done["concepts"] == 1, done
        got = client.execute(
            '{ a: concept(id: "other_quad") { label prerequisites { id } } b: concept(id: "quad") { label } }'
        )
        assert got == {
            "a": {
                "label": "Quadratics elsewhere",
                "prerequisites": [{"id": "add"}],
            },  # not defined there: the stored one
            "b": {"label": "Quadratics"},
        }

    def test_a_prefix_that_makes_no_slug_is_refused(self, client: Client) -> None:
        query = """mutation($input: ImportCurriculumInput!) { importCurriculum(input: $input) {
          ... on CurriculumError { code field } } }"""
        refused = client.execute(
            query, {"input": {"format": "CSV", "csv": {"concepts": "id,label\nz,Z\n"}, "idPrefix": "a b"}}
        )["importCurriculum"]
        assert refused == {"code": "INVALID", "field": "idPrefix"}


class TestCaseExport:
    def test_a_curriculum_goes_out_as_case_and_comes_back_onto_itself(self, client: Client) -> None:
        package = client.execute('{ exportCurriculum(format: CASE, curriculumId: "arith") }')["exportCurriculum"]
        items = json.loads(package)["CFItems"]
        assert sorted(i["abbreviatedStatement"] for i in items) == [
            "Addition",
            "Equations",
            "Multiplication",
            "Quadratics",
            "Subtraction",
        ]
        edited = package.replace(
            '"abbreviatedStatement": "Quadratics"', '"abbreviatedStatement": "Quadratic equations"'
        )
        done = client.execute(IMPORT, {"input": {"format": "CASE", "content": edited, "replaceExisting": True}})
        assert done["importCurriculum"]["concepts"] == 5
        assert client.execute('{ concept(id: "quad") { label } }') == {"concept": {"label": "Quadratic equations"}}

    def test_case_needs_a_curriculum(self, client: Client) -> None:
        assert client.errors("{ exportCurriculum(format: CASE) }") == [
            "a CASE package holds one framework: name the curriculum to export (curricula: arith)"
        ]


FORM = {
    kind: f"""mutation($input: {kind[0].upper()}{kind[1:]}Input!) {{ {kind}(input: $input) {{
      ... on CurriculumError {{ code field subjectId problems message }} }} }}"""
    for kind in ("createConcept", "createMaterial", "updateConcept", "updateMaterial")
}


class TestAFormShowsEachErrorByItsInput:
    """``field`` names the input a refusal is about, as the mutation's arguments name it (it was null or other)."""

    def refusal(self, client: Client, kind: str, value: dict[str, object]) -> dict[str, object]:
        mutation = {"c": "createConcept", "m": "createMaterial", "u": "updateConcept", "um": "updateMaterial"}[kind]
        return dict(client.execute(FORM[mutation], {"input": value})[mutation])

    def test_one_bad_value_names_its_field(self, client: Client) -> None:
        bad = self.refusal(client, "m", {"id": "m_x", "title": "T", "type": "VIDEO", "difficulty": 9})
        assert (bad["code"], bad["field"]) == ("INVALID", "difficulty")
        assert self.refusal(client, "c", {"id": "x", "label": " "})["field"] == "label"
        assert (
            self.refusal(client, "m", {"id": "m_x", "title": "T", "type": "VIDEO", "url": "javascript:x"})["field"]
            == "url"
        )

    def test_several_fields_name_none_and_list_every_problem(self, client: Client) -> None:
        bad = self.refusal(client, "m", {"id": "m_x", "title": "", "type": "VIDEO", "minutes": 0, "difficulty": 9})
        assert bad["field"] is None
        assert len(bad["problems"]) == 3  # type: ignore[arg-type]

    def test_ids_that_are_taken_or_missing_name_their_input(self, client: Client) -> None:
        taken = self.refusal(client, "c", {"id": "add", "label": "Again"})
        assert (taken["code"], taken["field"], taken["subjectId"]) == ("DUPLICATE", "id", "add")
        taken = self.refusal(client, "m", {"id": "m_add", "title": "Again", "type": "VIDEO"})
        assert (taken["code"], taken["field"]) == ("DUPLICATE", "id")
        missing = self.refusal(client, "u", {"id": "ghost", "label": "G"})
        assert (missing["code"], missing["field"]) == ("NOT_FOUND", "id")
        scheme = self.refusal(client, "c", {"id": "x", "label": "X", "curriculumId": "nope"})
        assert (scheme["code"], scheme["field"]) == ("NOT_FOUND", "curriculumId")
        # a typo'd curriculum id said only "does not exist", where an export's names the closest
        typo = self.refusal(client, "c", {"id": "x", "label": "X", "curriculumId": "arth"})
        assert typo["message"] == "curriculum 'arth' does not exist (did you mean 'arith'?)"
        typo = self.refusal(client, "u", {"id": "add", "curriculumId": "Arith"})
        assert (typo["field"], typo["message"]) == (
            "curriculumId",
            "curriculum 'Arith' does not exist (did you mean 'arith'?)",
        )
        linked = self.refusal(client, "m", {"id": "m_x", "title": "T", "type": "VIDEO", "assesses": ["ghost"]})
        assert (linked["code"], linked["field"]) == ("NOT_FOUND", "assesses")

    def test_every_unknown_concept_a_new_thing_names_is_listed_with_the_closest_id(self, client: Client) -> None:
        # createMaterial(teaches: ["qaud", "ghost"]) named only "qaud", with empty problems.
        value = {"id": "m_x", "title": "T", "type": "VIDEO", "teaches": ["qaud", "ghost"]}
        assert self.refusal(client, "m", value) == {
            "code": "NOT_FOUND",
            "field": "teaches",
            "subjectId": "qaud",
            "problems": ["concept 'qaud' does not exist (did you mean 'quad'?)", "concept 'ghost' does not exist"],
            "message": "concept 'qaud' does not exist (and 1 more: see problems)",
        }
        both = self.refusal(
            client, "m", {"id": "m_x", "title": "T", "type": "VIDEO", "teaches": ["ghost"], "assesses": ["mull"]}
        )
        assert (both["field"], both["problems"]) == (
            None,
            ["concept 'ghost' does not exist", "concept 'mull' does not exist (did you mean 'mul'?)"],
        )
        # an edit with a bad value named only that value: fixed, the form was refused again for the unknown ids
        edited = self.refusal(client, "um", {"id": "m_add", "title": " ", "teaches": ["qaud", "ghost"]})
        assert (edited["code"], edited["field"], edited["problems"]) == (
            "INVALID",
            None,
            [
                "material 'm_add' has an empty title",
                "concept 'qaud' does not exist (did you mean 'quad'?)",
                "concept 'ghost' does not exist",
            ],
        )
        edited = self.refusal(client, "u", {"id": "add", "label": " ", "broader": ["ghost"]})
        assert (edited["field"], edited["problems"][1:]) == (None, ["concept 'ghost' does not exist"])  # type: ignore[index]
        concept = self.refusal(client, "c", {"id": "x", "label": "X", "prerequisites": ["sbu", "quad", "ghost"]})
        assert (concept["code"], concept["field"], concept["problems"]) == (
            "NOT_FOUND",
            "prerequisites",
            ["concept 'sbu' does not exist", "concept 'ghost' does not exist"],
        )
        assert client.execute('{ material(id: "m_x") { id } concept(id: "x") { id } }') == {
            "material": None,
            "concept": None,
        }


class TestExportCsv:
    EXPORT = "query($c: ID) { exportCurriculumCsv(curriculumId: $c) { concepts prerequisites materials curricula } }"

    def test_a_spreadsheet_round_trip_while_the_service_runs(self, client: Client) -> None:
        # The CLI export needs the embedded store to itself: a designer had to stop the service to get a CSV.
        files = client.execute(self.EXPORT)["exportCurriculumCsv"]
        assert files["concepts"].startswith("id,label,")
        assert (
            files["concepts"].count("\n") == 1 + client.execute("{ concepts { totalCount } }")["concepts"]["totalCount"]
        )
        edited = {**files, "concepts": files["concepts"].replace(",Addition,", ",Adding numbers,")}
        assert edited["concepts"] != files["concepts"]
        result = client.execute(IMPORT, {"input": {"format": "CSV", "csv": edited, "replaceExisting": True}})
        assert result["importCurriculum"]["__typename"] == "ImportSummary"
        assert client.execute('{ concept(id: "add") { label } }') == {"concept": {"label": "Adding numbers"}}
        again = client.execute(self.EXPORT)["exportCurriculumCsv"]
        assert again == edited

    def test_an_unknown_curriculum_names_the_argument(self, client: Client) -> None:
        context = Context(kg=client.kg, loaders=build_loaders(client.kg), pseudonyms=PlainIds())
        result = asyncio.run(client.schema.execute(self.EXPORT, {"c": "nope"}, context_value=context))
        assert [(e.extensions or {}).get("field") for e in result.errors or []] == ["curriculumId"]

    @pytest.mark.parametrize("field", ["exportCurriculum", "exportCurriculumCsv { concepts }"])
    def test_an_export_leaves_the_other_requests_served(
        self, client: Client, field: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # It ran on the event loop: a whole-store export of a store with 544k attempts held every request 16 s.
        import resolvers.curricula

        release = threading.Event()
        for name in ("export_curriculum", "export_curriculum_csv"):
            slow = getattr(resolvers.curricula, name)
            monkeypatch.setattr(resolvers.curricula, name, lambda *a, slow=slow: release.wait(10) and slow(*a))
        context = Context(kg=client.kg, loaders=build_loaders(client.kg), pseudonyms=PlainIds())

        async def side_by_side() -> list[str]:
            done: list[str] = []

            async def run(name: str, query: str) -> None:
                result = await client.schema.execute(query, context_value=context)
                assert result.errors is None, result.errors
                done.append(name)
                release.set()  # the export ends once the other request has been answered

            await asyncio.gather(run("export", "{ " + field + " }"), run("count", "{ concepts { totalCount } }"))
            return done

        assert asyncio.run(side_by_side()) == ["count", "export"]


class TestCurriculumWrites:
    CREATE = """mutation($i: CreateCurriculumInput!) { createCurriculum(input: $i) {
      __typename ... on Curriculum { id title description } ... on CurriculumError { code field problems } } }"""
    UPDATE = """mutation($i: UpdateCurriculumInput!) { updateCurriculum(input: $i) {
      __typename ... on Curriculum { id title description } ... on CurriculumError { code field } } }"""
    DELETE = """mutation($id: ID!) { deleteCurriculum(id: $id) {
      __typename ... on DeletedCurriculum { id concepts } ... on CurriculumError { code field } } }"""

    def test_a_designer_starts_a_course_without_writing_a_file(self, client: Client) -> None:
        # A scheme came only with an import: a new course needed a Turtle or CSV file first.
        made = client.execute(self.CREATE, {"i": {"id": "geo7", "title": "  Geometry 7 ", "description": "Shapes."}})
        assert made["createCurriculum"] == {
            "__typename": "Curriculum", "id": "geo7", "title": "Geometry 7", "description": "Shapes.",
        }  # fmt: skip
        concept = """mutation { createConcept(input: {id: "angles", label: "Angles", curriculumId: "geo7"}) {
          __typename } }"""
        assert client.execute(concept)["createConcept"]["__typename"] == "Concept"
        exported = client.execute('{ exportCurriculum(curriculumId: "geo7") }')["exportCurriculum"]
        assert "Geometry 7" in exported
        assert "angles" in exported

    def test_refusals_are_typed(self, client: Client) -> None:
        client.execute(self.CREATE, {"i": {"id": "geo7", "title": "Geometry"}})
        taken = client.execute(self.CREATE, {"i": {"id": "geo7", "title": "Again"}})["createCurriculum"]
        assert (taken["code"], taken["field"]) == ("DUPLICATE", "id")
        bad = client.execute(self.CREATE, {"i": {"id": "a b", "title": " "}})["createCurriculum"]
        assert (bad["code"], bad["field"], len(bad["problems"])) == ("INVALID", None, 2)
        missing = client.execute(self.UPDATE, {"i": {"id": "nope", "title": "X"}})["updateCurriculum"]
        assert (missing["code"], missing["field"]) == ("NOT_FOUND", "id")
        gone = client.execute(self.DELETE, {"id": "nope"})["deleteCurriculum"]
        assert (gone["code"], gone["field"]) == ("NOT_FOUND", "id")

    def test_retitling_keeps_what_it_is_not_given(self, client: Client) -> None:
        client.execute(self.CREATE, {"i": {"id": "geo7", "title": "Geometry", "description": "Shapes."}})
        renamed = client.execute(self.UPDATE, {"i": {"id": "geo7", "title": "Geometry 7"}})["updateCurriculum"]
        assert (renamed["title"], renamed["description"]) == ("Geometry 7", "Shapes.")
        cleared = client.execute(self.UPDATE, {"i": {"id": "geo7", "description": ""}})["updateCurriculum"]
        assert (cleared["title"], cleared["description"]) == ("Geometry 7", "")
        listed = client.execute("{ curricula { id title description } }")["curricula"]
        assert {"id": "geo7", "title": "Geometry 7", "description": ""} in listed
        turtle = client.execute('{ exportCurriculum(curriculumId: "geo7") }')["exportCurriculum"]
        assert "Shapes." not in turtle
        assert turtle.count("Geometry") == 1  # the old title went: one title, one CASE record

    def test_deleting_a_curriculum_keeps_its_concepts(self, client: Client) -> None:
        before = client.execute('{ concept(id: "add") { curriculum { id } } }')["concept"]["curriculum"]["id"]
        deleted = client.execute(self.DELETE, {"id": before})["deleteCurriculum"]
        assert deleted["__typename"] == "DeletedCurriculum"
        assert deleted["concepts"] >= 1
        assert client.execute('{ concept(id: "add") { id curriculum { id } } }') == {
            "concept": {"id": "add", "curriculum": None}
        }
        assert before not in [c["id"] for c in client.execute("{ curricula { id } }")["curricula"]]
        again = client.execute(self.CREATE, {"i": {"id": before, "title": "Back"}})["createCurriculum"]
        assert again["__typename"] == "Curriculum"
        assert client.execute('{ concept(id: "add") { curriculum { id } } }')["concept"]["curriculum"] is None

    def test_a_curriculums_concepts_and_materials_are_listed_and_so_are_the_homeless(self, client: Client) -> None:
        # After deleteCurriculum, or an import with a dangling scheme, no query found the concepts left in none.
        client.execute(self.CREATE, {"i": {"id": "geo7", "title": "Geometry"}})
        made = """mutation { createConcept(input: {id: "angles", label: "Angles", curriculumId: "geo7"}) { __typename }
          createMaterial(input: {id: "m_angles", title: "Angles", type: READING, teaches: ["angles"]}) {
            __typename } }"""
        assert client.execute(made) == {"createConcept": {"__typename": "Concept"}, "createMaterial": {
            "__typename": "Material"}}  # fmt: skip
        listing = """query($c: ID, $w: Boolean) { concepts(first: 100, curriculumId: $c, withoutCurriculum: $w) {
          totalCount edges { node { id } } } }"""
        geometry = client.execute(listing, {"c": "geo7"})["concepts"]
        assert [e["node"]["id"] for e in geometry["edges"]] == ["angles"]
        everything = client.execute(listing)["concepts"]["totalCount"]
        assert client.execute(listing, {"w": False})["concepts"]["totalCount"] == everything
        assert client.execute(listing, {"w": True})["concepts"]["totalCount"] == 0
        client.execute(self.DELETE, {"id": "geo7"})
        homeless = client.execute(listing, {"w": True})["concepts"]
        assert [e["node"]["id"] for e in homeless["edges"]] == ["angles"]
        arith = client.execute('{ concept(id: "add") { curriculum { id } } }')["concept"]["curriculum"]["id"]
        materials = """query($c: ID) { materials(first: 100, curriculumId: $c) { edges { node { id } } } }"""
        linked = {e["node"]["id"] for e in client.execute(materials, {"c": arith})["materials"]["edges"]}
        assert linked
        assert "m_angles" not in linked
        context = Context(kg=client.kg, loaders=build_loaders(client.kg), pseudonyms=PlainIds())
        for query, variables, field in (
            (listing, {"c": "nope"}, "curriculumId"),
            (listing, {"c": arith, "w": True}, "withoutCurriculum"),
            (materials, {"c": "nope"}, "curriculumId"),
        ):
            result = asyncio.run(client.schema.execute(query, variables, context_value=context))
            assert [(e.extensions or {}).get("field") for e in result.errors or []] == [field], variables
