"""An identity provider's tokens: the audience and issuer required, and its roles translated.

What a deployer relies on: with PATHWISE_JWT_AUDIENCE/ISSUER set, a token for this service
from that issuer passes and any other is refused with a reason that says which check
failed; a token that names an audience nobody configured is accepted in development (one
log line) and refused in production; roles come from a nested or URL-named claim, as a
string or a list, through the map, the least privileged winning.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import jwt
import pytest
from click.testing import CliRunner

from auth.claims import ClaimRules, parse_role_map
from auth.principal import Principal, Role
from auth.tokens import (
    AudienceNotConfigured,
    InvalidClaims,
    VerificationKeys,
    WrongAudience,
    WrongIssuer,
    mint,
    verify,
)

SECRET = "c" * 40
ISSUER = "https://idp.example.org/realms/school"
LTI_ROLES = "https://purl.imsglobal.org/spec/lti/claim/roles"
LIS = "http://purl.imsglobal.org/vocab/lis/v2/membership#"


def keys(**rules: Any) -> VerificationKeys:
    return VerificationKeys(hs256_secret=SECRET, rules=ClaimRules(**rules))


def signed(**claims: object) -> str:
    now = int(time.time())
    return jwt.encode({"sub": "u1", "iat": now, "exp": now + 60, **claims}, SECRET, algorithm="HS256")


class TestAudienceAndIssuer:
    def test_a_token_for_this_service_from_its_issuer_passes(self) -> None:
        configured = keys(audience=("pathwise",), issuer=ISSUER)
        token = signed(role="teacher", aud="pathwise", iss=ISSUER)
        assert verify(token, configured) == Principal(Role.TEACHER, "u1")

    @pytest.mark.parametrize("aud", ["pathwise", ["account", "pathwise"], ["lms-tool"]])
    def test_any_configured_audience_among_the_tokens_will_do(self, aud: object) -> None:
        assert verify(signed(role="student", aud=aud), keys(audience=("pathwise", "lms-tool"))).sub == "u1"

    @pytest.mark.parametrize(
        ("aud", "message"),
        [
            ("gradebook", "the token is for 'gradebook'; this service accepts 'pathwise'"),
            (["gradebook", "account"], "the token is for 'gradebook', 'account'; this service accepts 'pathwise'"),
            (None, "the token names no audience ('aud'); this service accepts 'pathwise'"),
            (7, "not a string or a list of strings"),
        ],
    )
    def test_another_audience_is_refused_as_such(self, aud: object, message: str) -> None:
        token = signed(role="student", **({"aud": aud} if aud is not None else {}))
        with pytest.raises(WrongAudience) as caught:
            verify(token, keys(audience=("pathwise",)))
        assert caught.value.code == "WRONG_AUDIENCE"
        assert message in caught.value.message

    @pytest.mark.parametrize(
        ("iss", "message"),
        [
            ("https://evil.example/realms/school", "issued by 'https://evil.example/realms/school'; this service"),
            (None, "the token names no issuer ('iss')"),
        ],
    )
    def test_another_issuer_is_refused_as_such(self, iss: str | None, message: str) -> None:
        token = signed(role="student", **({"iss": iss} if iss else {}))
        with pytest.raises(WrongIssuer) as caught:
            verify(token, keys(issuer=ISSUER))
        assert caught.value.code == "WRONG_ISSUER"
        assert message in caught.value.message

    def test_unconfigured_the_issuer_is_not_checked(self) -> None:
        assert verify(signed(role="student", iss="anyone"), keys()).sub == "u1"

    def test_production_refuses_an_audience_it_cannot_check_and_says_what_to_set(self) -> None:
        # It was MALFORMED_TOKEN "Invalid audience", which sent integrators looking at the token.
        with pytest.raises(AudienceNotConfigured) as caught:
            verify(signed(role="student", aud="pathwise"), keys())
        assert caught.value.code == "AUDIENCE_NOT_CONFIGURED"
        assert "set PATHWISE_JWT_AUDIENCE" in caught.value.message
        assert verify(signed(role="student"), keys()).sub == "u1"  # no aud: as before

    def test_development_accepts_it_and_logs_once(self, caplog: pytest.LogCaptureFixture) -> None:
        development = keys(accept_unchecked_audience=True)
        with caplog.at_level(logging.WARNING, logger="pathwise.auth"):
            for _ in range(3):
                assert verify(signed(role="student", aud="pathwise"), development).sub == "u1"
        warnings = [r.getMessage() for r in caplog.records if "not checked" in r.getMessage()]
        assert len(warnings) == 1
        assert "set PATHWISE_JWT_AUDIENCE" in warnings[0]


class TestRoles:
    def test_a_nested_claim_holding_a_list_through_the_map(self) -> None:
        rules = {"role_claim": "realm_access.roles", "role_map": parse_role_map("Teacher=teacher,Student=student")}
        token = signed(realm_access={"roles": ["offline_access", "uma_authorization", "Teacher"]})
        assert verify(token, keys(**rules)).role is Role.TEACHER

    def test_an_lti_claim_named_by_a_url(self) -> None:
        rules = {"role_claim": LTI_ROLES, "role_map": parse_role_map(f"{LIS}Instructor=teacher,{LIS}Learner=student")}
        token = signed(**{LTI_ROLES: [f"{LIS}Instructor"]})
        assert verify(token, keys(**rules)).role is Role.TEACHER

    def test_a_string_value(self) -> None:
        assert verify(signed(roles="Instructor"), keys(role_claim="roles", role_map={"Instructor": Role.TEACHER}))

    def test_several_roles_the_least_privileged_wins(self) -> None:
        rules = keys(role_claim="roles", role_map=parse_role_map("Instructor=teacher,Learner=student,Ops=admin"))
        assert verify(signed(roles=["Ops", "Instructor", "Learner"]), rules).role is Role.STUDENT
        assert verify(signed(roles=["Ops", "Instructor"]), rules).role is Role.TEACHER

    def test_an_integration_ranks_above_a_teacher_and_below_an_admin(self) -> None:
        # Its roster writes decide which teacher sees whom: a teacher's token that also
        # carries it acts as the teacher, an admin's as the integration.
        rules = keys(role_claim="roles", role_map=parse_role_map("Instructor=teacher,Lms=integration,Ops=admin"))
        assert verify(signed(roles=["Lms", "Instructor"]), rules).role is Role.TEACHER
        assert verify(signed(roles=["Ops", "Lms"]), rules).role is Role.INTEGRATION

    def test_with_a_map_only_the_names_it_lists_count(self) -> None:
        # The provider's own 'admin' (for some other application) makes no Pathwise admin.
        rules = keys(role_claim="roles", role_map={"Instructor": Role.TEACHER})
        with pytest.raises(InvalidClaims, match="found 'admin'; PATHWISE_JWT_ROLE_MAP maps 'Instructor'"):
            verify(signed(roles=["admin"]), rules)

    def test_unknown_roles_name_the_claim_and_what_was_found(self) -> None:
        rules = keys(role_claim="realm_access.roles", role_map={"Teacher": Role.TEACHER})
        token = signed(realm_access={"roles": ["offline_access", "Janitor"]})
        with pytest.raises(InvalidClaims) as caught:
            verify(token, rules)
        assert caught.value.code == "INVALID_CLAIMS"
        assert caught.value.message == (
            "the 'realm_access.roles' claim holds no Pathwise role: found 'offline_access', 'Janitor'; "
            "PATHWISE_JWT_ROLE_MAP maps 'Teacher'"
        )

    def test_without_a_map_the_pathwise_names_and_the_message_says_how_to_translate(self) -> None:
        with pytest.raises(InvalidClaims, match="found 'Teacher'; accepted: student, teacher.*PATHWISE_JWT_ROLE_MAP"):
            verify(signed(role="Teacher"), keys())

    @pytest.mark.parametrize(
        ("claims", "message"),
        [({}, "the token has no 'roles' claim"), ({"roles": {"a": 1}}, "must be a string or a list of strings")],
    )
    def test_a_missing_or_unusable_claim(self, claims: dict[str, object], message: str) -> None:
        with pytest.raises(InvalidClaims, match=message):
            verify(signed(**claims), keys(role_claim="roles"))


class TestRoleMap:
    def test_a_uri_with_an_equals_sign_keeps_it(self) -> None:
        assert parse_role_map("urn:x?a=b=teacher") == {"urn:x?a=b": Role.TEACHER}

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("Instructor", "not Name=role"),
            ("=teacher", "not Name=role"),
            ("Instructor=Teacher", "maps to 'Teacher', not one of student"),
            ("A=teacher,A=student", "mapped twice"),
        ],
    )
    def test_bad_maps(self, text: str, message: str) -> None:
        with pytest.raises(ValueError, match=message):
            parse_role_map(text)


class TestMintAndSettings:
    def test_minted_tokens_say_what_the_rules_require(self) -> None:
        rules = ClaimRules(
            audience=("pathwise", "other"),
            issuer=ISSUER,
            role_claim="realm_access.roles",
            role_map=parse_role_map("Instructor=teacher,Teacher=teacher"),
        )
        token = mint(role=Role.TEACHER, sub="t1", secret=SECRET, rules=rules)
        payload = jwt.decode(token, options={"verify_signature": False})
        assert (payload["aud"], payload["iss"], payload["realm_access"]) == (
            "pathwise",
            ISSUER,
            {"roles": ["Instructor"]},
        )
        assert verify(token, VerificationKeys(hs256_secret=SECRET, rules=rules)) == Principal(Role.TEACHER, "t1")

    def test_a_role_the_map_leaves_out_cannot_be_minted(self) -> None:
        with pytest.raises(ValueError, match="maps no name to admin"):
            mint(role=Role.ADMIN, sub="a", secret=SECRET, rules=ClaimRules(role_map={"I": Role.TEACHER}))

    def test_settings_read_and_checked(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from settings import load_settings

        monkeypatch.setenv("PATHWISE_ENV", "production")
        monkeypatch.setenv("PATHWISE_JWT_AUDIENCE", " pathwise, lms-tool ,")
        monkeypatch.setenv("PATHWISE_JWT_ISSUER", ISSUER)
        monkeypatch.setenv("PATHWISE_JWT_ROLE_CLAIM", "realm_access.roles")
        monkeypatch.setenv("PATHWISE_JWT_ROLE_MAP", "Teacher=teacher")
        rules = load_settings(env_file=None).claim_rules()
        assert rules == ClaimRules(("pathwise", "lms-tool"), ISSUER, "realm_access.roles", {"Teacher": Role.TEACHER})
        assert not rules.accept_unchecked_audience
        monkeypatch.setenv("PATHWISE_JWT_ROLE_MAP", "Teacher=Teacher")
        with pytest.raises(ValueError, match="PATHWISE_JWT_ROLE_MAP: 'Teacher=Teacher' maps to 'Teacher'"):
            load_settings(env_file=None)

    def test_the_cli_mints_for_the_configured_audience_and_issuer(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from cli.main import main

        monkeypatch.setenv("PATHWISE_JWT_SECRET", SECRET)
        monkeypatch.setenv("PATHWISE_JWT_AUDIENCE", "pathwise")
        monkeypatch.setenv("PATHWISE_JWT_ISSUER", ISSUER)
        default = CliRunner().invoke(main, ["token", "--role", "student", "--sub", "s1"])
        assert default.exit_code == 0, default.output
        payload = jwt.decode(default.output.strip(), options={"verify_signature": False})
        assert (payload["aud"], payload["iss"]) == ("pathwise", ISSUER)
        given = ["token", "--role", "student", "--sub", "s1", "--audience", "lms", "--issuer", "me"]
        payload = jwt.decode(CliRunner().invoke(main, given).output.strip(), options={"verify_signature": False})
        assert (payload["aud"], payload["iss"]) == ("lms", "me")
