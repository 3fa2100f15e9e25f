"""Who a sentence says made its claim: "according to X", "X said", "X told", "X estimated".

`claimant_cue` returns the claimant a sentence names, or None. "According to X" wins over
a reporting verb ("..., according to Western reports, AFP reported" names the reports);
among reporting verbs the first in the sentence wins ("Kirby confirmed that the US assesses
..." is Kirby's claim). The subject before a verb is the clause that ends at it, without
a leading phrase ("At the White House, Kirby confirmed ...": Kirby), an interrupting
participle clause ("the spy chief, keeping a close watch, claimed": the spy chief), or the
auxiliaries ("has confirmed"). An appositive title stays ("John Healey, the British defence
minister"). A verb before its subject is read too ("..., said John Kirby"). A pronoun is
no claimant (the caller may carry the last named one forward).

>>> claimant_cue("Over 5,000 troops were killed, according to Western reports.")
'Western reports'
>>> claimant_cue("John Healey, the defence minister, told the Telegraph that 1,354 died a day.")
'John Healey, the defence minister'
>>> claimant_cue("“The toll is 40,” the ministry said in a statement.")
'the ministry'
"""

from __future__ import annotations

import re


def _word_set(text: str) -> frozenset[str]:
    """The words of `text`, as a set (lists of words read best as text)."""
    return frozenset(text.split())


__all__ = ["PRONOUNS", "SPEECH_VERBS", "claimant_cue", "pronoun_cue"]

#: Verbs that attribute a claim to their subject.
SPEECH_VERBS = (
    "said", "says", "told", "tells", "estimated", "estimates", "stated", "states", "claimed",
    "claims", "reported", "reports", "confirmed", "confirms", "assessed", "assesses", "added",
    "concluded", "announced", "announces", "believes", "suggested", "suggests", "observed",
    "warned", "noted", "wrote", "revealed", "found", "counted", "recorded", "put", "puts",
    "averred", "insisted", "acknowledged", "admitted", "alleged", "explained", "estimate", "say",
    "believe", "report", "claim", "assess", "warn", "warns", "documented", "documents", "tallied",
)
#: Subjects that name nobody by themselves.
PRONOUNS = _word_set("""
he she they it we i you this that these those who which
""")

_ACCORDING = re.compile(r"\b[Aa]ccording to\s+(?P<who>[^,.;:“”\"()]+?)(?=\s*(?:[,.;:“”\"()]|$))")
_VERB = re.compile(r"\b(?:" + "|".join(SPEECH_VERBS) + r")\b")
_CLAUSE_START = re.compile(r"[“”\"‘;:(]|—|\s–\s|\bthat\s|\bwhile\s|\bas\s|\bbut\s|\band\s(?=[A-Z])")
_AUX = re.compile(r"(?:\s+(?:has|have|had|also|has also|have also|had also|was|were|is|are|"
                  r"reportedly|previously|earlier|later|again|had earlier|once|itself|then|"
                  r"separately|would|will|could|did|does|do|not|in a statement|publicly))+\s*$")
_LEADING = re.compile(r"^(?:(?:At|In|On|During|Speaking|Meanwhile|However|Earlier|Later|"
                      r"Separately|Still|Yet|Also|And|But|So|Now|Today|Asked|Likewise|Recently|"
                      r"Additionally|Moreover|Furthermore|Finally|Notably|Instead|Indeed|Thus|"
                      r"Similarly|Overall|Previously)\b[^,]*,\s*)+")
_NOT_A_VERB = re.compile(r"(?:\b(?:the|a|an|these|those|its|their|his|her|our|media|news|is|are|was|"
                         r"were|be|been|being|widely|not)\s*)$", re.IGNORECASE)
_INVERTED = re.compile(r"^\s*(?P<who>(?:the\s+)?[A-Z][\w.’'-]*(?:\s+(?:of\s+the\s+|of\s+|for\s+)?"
                       r"[A-Z][\w.’'-]*)*)")
_MAX_WORDS = 14
_NAME = re.compile(r"(?:[A-Z][\w.’'-]*\s+){0,5}[A-Z][\w.’'-]*")
_LETTERS = re.compile(r"[a-z]+")
_CUE_WORDS = frozenset(SPEECH_VERBS) | {"according"}


def _subject(before: str) -> str | None:
    ends = [found.end() for found in _CLAUSE_START.finditer(before)]
    clause = before[ends[-1]:] if ends else before
    clause = _AUX.sub("", clause).strip(" ,")
    clause = _LEADING.sub("", clause).strip(" ,")
    parts = [p.strip() for p in clause.split(", ") if p.strip()]
    while parts and (parts[-1].split()[0].endswith("ing") or parts[-1].split()[0] in ("who", "which")):
        parts.pop()  # an interrupting clause: "the spy chief, keeping a close watch, claimed"
    if not parts:
        return None
    kept = [parts[-1]]
    if len(parts) > 1 and parts[-1].split()[0].lower() in ("the", "a", "an") \
            and _NAME.fullmatch(parts[-2]):
        kept.insert(0, parts[-2])  # an appositive: "John Healey, the defence minister"
    subject = ", ".join(kept)
    words = subject.split()
    if not words or len(words) > _MAX_WORDS or words[-1].lower() in PRONOUNS \
            or (len(words) == 1 and words[0].lower() in PRONOUNS):
        return None
    return subject


def claimant_cue(sentence: str) -> str | None:
    """The claimant `sentence` names (see the module docs), or None."""
    if _CUE_WORDS.isdisjoint(_LETTERS.findall(sentence.lower())):
        return None
    found = _ACCORDING.search(sentence)
    if found and len(found.group("who").split()) <= _MAX_WORDS:
        return found.group("who").strip()
    for verb in _VERB.finditer(sentence):
        if _NOT_A_VERB.search(sentence[:verb.start()]):
            continue  # a noun ("the reports") or a passive ("are estimated"): no subject speaks
        subject = _subject(sentence[:verb.start()])
        if subject is not None and any(c.isalpha() for c in subject):
            return subject
        after = _INVERTED.match(sentence[verb.end():])
        if after and sentence[:verb.start()].rstrip().endswith((",", "”", '"', "’")):
            return after.group("who").strip()
    return None


_PRONOUN_VERB = re.compile(r"\b(?:he|she|they|it|He|She|They|It)\s+(?:(?:has|have|had|also)\s+)?(?:"
                           + "|".join(SPEECH_VERBS) + r")\b")


def pronoun_cue(sentence: str) -> bool:
    """True when a pronoun reports the claim ("he said", "It counted"): the caller may carry
    the claimant named in an earlier sentence.

    >>> pronoun_cue("“At least 12 were killed,” he said."), pronoun_cue("12 were killed.")
    (True, False)
    """
    return _PRONOUN_VERB.search(sentence) is not None
