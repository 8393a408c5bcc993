"""Phone and fax numbers, e-mail addresses, URLs and IP addresses."""

from __future__ import annotations

import ipaddress
import re

from detectors.findings import EntityType
from detectors.recognizers.patterns import ValuePattern

_DASH = "\\-\u2010\u2011\u2012\u2013\u2014"
_SEPARATOR = rf"[\s.{_DASH}]?"
_EXTENSION = r"(?:\s*(?:x|ext\.?|extension)\s*\d{1,6})?"

# North American numbers: optional +1, area code with or without brackets, then 3 and 4 digits.
_NANP = (
    rf"(?:\+?1{_SEPARATOR})?(?:\(\d{{3}}\)\s?|\d{{3}}{_SEPARATOR})\d{{3}}[\s.{_DASH}]\d{{4}}"
    rf"{_EXTENSION}"
)
# International numbers written with a leading +country code and groups of digits.
_INTERNATIONAL = rf"\+\d{{1,3}}(?:[\s.{_DASH}]?\(?\d{{1,4}}\)?){{2,5}}{_EXTENSION}"
# A bare run of digits is a phone number only right after a phone label ("Ph:6175550199").
_PHONE_LABEL = (
    r"(?:ph|phones?|tel|telephone|cell|cellphone|mobile|mob|pager|beeper|home|work|office|"
    r"callback|call\s+back|contacts?|reach(?:ed)?\s+at|call|text|whatsapp|numbers?|#|"
    r"(?:call|text|ring|reach|contact)\s+(?:me|us|him|her|them)\s+(?:on|at)|"
    r"answering\s+at|messages?\s+(?:to|at|on)|registered)"
)
# The kind of line written after a number in signatures: "416 60 039 office".
_LINE_KIND = r"(?:office|fax|mobile|cell|home|work|desk|direct|landline)"
_LABELLED_DIGITS = rf"(?:\+?\(?\d[\d\s.{_DASH}()]{{5,16}}\d){_EXTENSION}"


def _phone_digit_count(match: re.Match[str]) -> bool:
    """Accept 7 to 15 digits (E.164 maximum); more are two numbers side by side."""
    number = re.split(r"(?i)\s*(?:x|ext)", match.group("value"))[0]
    return 7 <= sum(character.isdigit() for character in number) <= 15 and not re.search(
        r"\d{3}[\-.]\d{4}\s+\d{3}[\-.]\d{4}", number
    )


PHONE_PATTERNS: tuple[ValuePattern, ...] = (
    ValuePattern(
        "phone_nanp", EntityType.PHONE_NUMBER, re.compile(rf"(?<![\w/]){_NANP}(?![\w/])"), 0.85
    ),
    ValuePattern(
        "phone_international",
        EntityType.PHONE_NUMBER,
        re.compile(rf"(?<![\w/]){_INTERNATIONAL}(?![\w/])"),
        0.8,
    ),
    ValuePattern(
        "phone_labelled",
        EntityType.PHONE_NUMBER,
        re.compile(
            rf"\b{_PHONE_LABEL}\b\.?\s*(?:no\.?|number|#)?\s*[:=]?\s*"
            rf"(?P<value>{_LABELLED_DIGITS})(?![\w/])",
            re.IGNORECASE,
        ),
        0.8,
        _phone_digit_count,
    ),
    # Seven-digit local numbers ("555-0101") only after a phone label, possibly several.
    ValuePattern(
        "phone_local",
        EntityType.PHONE_NUMBER,
        re.compile(
            rf"(?:\b{_PHONE_LABEL}\b[^\n]{{0,30}}?|(?<=\d{{4}}[\s,;/]))"
            rf"(?<![\w{_DASH}])(?P<value>\d{{3}}[{_DASH}.]\d{{4}}{_EXTENSION})(?![\w{_DASH}])",
            re.IGNORECASE,
        ),
        0.7,
    ),
)

PHONE_PATTERNS += (
    ValuePattern(
        "phone_before_kind",
        EntityType.PHONE_NUMBER,
        re.compile(
            rf"(?<![\w/.{_DASH}])(?P<value>\+?\(?\d[\d\s.{_DASH}()]{{5,16}}\d)"
            rf"[ \t]*[{_DASH}]?[ \t]*{_LINE_KIND}\b",
            re.IGNORECASE,
        ),
        0.75,
        _phone_digit_count,
    ),
)

FAX_PATTERNS = (
    ValuePattern(
        "fax_labelled",
        EntityType.FAX_NUMBER,
        re.compile(
            rf"\b(?:fax|facsimile)\b\.?\s*(?:no\.?|number|#|line)?\s*(?:is|at)?\s*[:=]?\s*"
            rf"(?P<value>{_LABELLED_DIGITS})(?![\w/])",
            re.IGNORECASE,
        ),
        0.9,
        _phone_digit_count,
    ),
)

EMAIL_PATTERNS = (
    ValuePattern(
        "email",
        EntityType.EMAIL_ADDRESS,
        re.compile(r"(?<![\w.+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b"),
        0.95,
    ),
)

# Top-level domains that bare host names ("portal.example.org/x") are accepted with.
_TLDS = (
    "com|org|net|edu|gov|mil|int|io|us|uk|ca|au|de|fr|info|biz|health|care|clinic|"
    "hospital|app|dev|me|co|example|test|local|online|site|ai"
)
URL_PATTERNS = (
    ValuePattern(
        "url_scheme",
        EntityType.URL,
        re.compile(r"\b(?:https?|ftp|sftp)://[^\s<>\"'\]]+[^\s<>\"'\].,;:!?)]", re.IGNORECASE),
        0.95,
    ),
    ValuePattern(
        "url_host",
        EntityType.URL,
        re.compile(
            rf"(?<![@\w.-])(?:www\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{_TLDS})\b"
            r"(?:/[^\s<>\"']*[^\s<>\"'.,;:!?)])?(?![@\w-])",
            re.IGNORECASE,
        ),
        0.8,
    ),
)


def _is_ip_address(match: re.Match[str]) -> bool:
    try:
        ipaddress.ip_address(match.group("value"))
    except ValueError:
        return False
    return True


IP_PATTERNS = (
    ValuePattern(
        "ipv4",
        EntityType.IP_ADDRESS,
        re.compile(r"(?<![\w.])(?P<value>(?:\d{1,3}\.){3}\d{1,3})(?![\w]|\.\d)"),
        0.85,
        _is_ip_address,
    ),
    ValuePattern(
        "ipv6",
        EntityType.IP_ADDRESS,
        re.compile(
            r"(?<![\w:])(?P<value>(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}"
            r"(?:%\w+)?)(?![\w:])"
        ),
        0.85,
        _is_ip_address,
    ),
)

CONTACT_PATTERNS = PHONE_PATTERNS + FAX_PATTERNS + EMAIL_PATTERNS + URL_PATTERNS + IP_PATTERNS
