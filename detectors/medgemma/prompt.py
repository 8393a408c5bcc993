"""The instruction that requests every identifier in a text from MedGemma."""

from __future__ import annotations

from dataclasses import dataclass

from detectors.findings import EntityType

_TYPE_LIST = ", ".join(member.value for member in EntityType)

INSTRUCTION = f"""You de-identify clinical text under the HIPAA Safe Harbor rule.
List every identifier in the text between the <text> tags: names (also nicknames, initials \
and relatives or staff named in passing), addresses and places smaller than a state, dates \
other than a bare year, ages over 89, phone and fax numbers, e-mail addresses, URLs, IP \
addresses, social security, medical record, health plan, account, licence, vehicle and device \
numbers, biometric identifiers, and any other unique characteristic, such as a rare occupation \
or role that singles a person out ("the only lighthouse keeper on the island").
Copy each identifier exactly as it is written in the text. List a repeated identifier once.
Give each one a type from this list: {_TYPE_LIST}. Use ID when no other type fits.
Square-bracket placeholders such as [PERSON_1] were already replaced: do not list them.
Answer with a JSON array of objects with the keys "text" and "type" and nothing else, for \
example [{{"text": "Maggie", "type": "PERSON"}}]. Answer [] when the text has no identifier."""


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One turn of a chat: `role` is "user" or "assistant"."""

    role: str
    content: str

    def __repr__(self) -> str:
        return f"ChatMessage(role={self.role!r}, content=<{len(self.content)} chars>)"


def build_messages(text: str) -> tuple[ChatMessage, ...]:
    """Build the chat that requests the identifiers in `text`.

    The instruction goes into the user turn, so chat templates and servers without a system
    role accept the chat unchanged.
    """
    return (ChatMessage(role="user", content=f"{INSTRUCTION}\n\n<text>\n{text}\n</text>"),)
