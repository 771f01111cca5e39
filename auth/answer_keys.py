"""Who may read an exercise's answer key (``PATHWISE_ANSWER_KEYS``).

An exercise's attempts are the evidence its mastery estimates rest on: a student who
reads the key first answers from it, and the estimate says they know what they copied.
So by default a student sees an exercise's key once they have recorded an attempt on it
(as a practice platform shows the solutions after a submission); staff always see keys.
``open`` shows every key to everyone (self-check practice sets, a textbook's answers at
the back); ``staff`` never shows one to a student.
"""

from __future__ import annotations

import enum

from auth.principal import Principal, Role

__all__ = ["AnswerKeys", "keys_may_hide"]


class AnswerKeys(enum.StrEnum):
    """When a student reads an exercise's answer key.

    Examples:
        >>> AnswerKeys("after-attempt") is AnswerKeys.AFTER_ATTEMPT
        True
        >>> [k.value for k in AnswerKeys]
        ['after-attempt', 'open', 'staff']
    """

    AFTER_ATTEMPT = "after-attempt"  # once they have recorded an attempt on the exercise
    OPEN = "open"  # always
    STAFF = "staff"  # never: keys are for every other role


def keys_may_hide(policy: AnswerKeys, principal: Principal) -> bool:
    """Whether some answer keys are hidden from ``principal`` under ``policy`` (only students' ever are).

    Examples:
        >>> keys_may_hide(AnswerKeys.AFTER_ATTEMPT, Principal(Role.STUDENT, "s1"))
        True
        >>> keys_may_hide(AnswerKeys.AFTER_ATTEMPT, Principal(Role.TEACHER, "t1"))
        False
        >>> keys_may_hide(AnswerKeys.OPEN, Principal(Role.STUDENT, "s1"))
        False
    """
    return principal.role is Role.STUDENT and policy is not AnswerKeys.OPEN
