"""Designer mutations: typed results, typed errors with codes, nothing applied on refusal."""

from __future__ import annotations

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

    def test_unknown_id_is_not_found(self, client: Client) -> None:
        result = client.execute(ADD, {"c": "add", "p": "ghost"})["addPrerequisite"]
        assert (result["code"], result["field"], result["subjectId"]) == ("NOT_FOUND", "prerequisiteId", "ghost")


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

    def test_invalid_input(self, client: Client) -> None:
        bad = client.execute(CREATE, {"input": {"id": "has space", "label": "X"}})["createConcept"]
        assert bad["code"] == "INVALID"


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
        gone = client.execute('mutation { deleteMaterial(id: "m_new") { __typename } }')
        assert gone["deleteMaterial"] == {"__typename": "Deleted"}


IMPORT = """mutation($input: ImportCurriculumInput!) { importCurriculum(input: $input) {
  __typename ... on ImportSummary { concepts prerequisites materials dangling cycles droppedEdges dryRun }
  ... on CurriculumError { code message problems cycles } } }"""


class TestImportCurriculum:
    def test_csv_upload(self, client: Client) -> None:
        csv = {"concepts": "id,label\nlog,Logarithms\n", "prerequisites": "concept,prerequisite\nlog,mul\nlog,ghost\n"}
        result = client.execute(IMPORT, {"input": {"format": "CSV", "csv": csv}})["importCurriculum"]
        assert (result["concepts"], result["prerequisites"]) == (1, 1)
        assert result["dangling"] == ["prerequisite log -> ghost: unknown ghost"]

    def test_cycle_refused_then_broken_on_request(self, client: Client) -> None:
        csv = {"concepts": "id,label\np,P\nq,Q\n", "prerequisites": "concept,prerequisite\np,q\nq,p\n"}
        refused = client.execute(IMPORT, {"input": {"format": "CSV", "csv": csv}})["importCurriculum"]
        assert (refused["code"], refused["cycles"]) == ("CYCLE", [["p", "q"]])
        assert client.execute('{ concept(id: "p") { id } }') == {"concept": None}
        broken = client.execute(IMPORT, {"input": {"format": "CSV", "csv": csv, "breakCycles": True}})
        assert len(broken["importCurriculum"]["droppedEdges"]) == 1

    def test_malformed_document_lists_where(self, client: Client) -> None:
        result = client.execute(IMPORT, {"input": {"format": "NTRIPLES", "content": "<http://x/a> <http://x/b> ."}})
        assert result["importCurriculum"]["code"] == "INVALID"
        assert result["importCurriculum"]["problems"][0].startswith("<upload>:line 1, column")

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
