"""Unknown-chemical identification (未知化学品辨识): rank catalogue entries by what
responders observe on site. The vocabularies are fixed so the data and the form agree;
`load_chemicals` refuses a word that is not in them."""

from __future__ import annotations

from dataclasses import dataclass, field

from registry.hazards.models import Chemical, PhysicalState

COLOURS = ["无色", "白色", "灰色", "淡黄色", "棕黄色", "黄绿色", "红棕色"]
ODOURS = ["无味", "刺激性", "氨味", "臭鸡蛋味", "苦杏仁味", "霉干草味", "大蒜味", "鱼腥味",
          "芳香味", "汽油味", "酒精味", "醚样", "甜味", "臭味"]
SYMPTOMS = ["咳嗽", "流泪眼痛", "咽喉灼痛", "胸闷气短", "呼吸困难", "肺水肿", "头痛头晕",
            "恶心呕吐", "醉酒样", "视物模糊", "抽搐", "意识丧失", "呼吸心跳骤停", "口唇樱桃红",
            "皮肤紫绀", "皮肤灼伤", "冻伤"]
VOCABULARY = {"colours": COLOURS, "odours": ODOURS, "symptoms": SYMPTOMS}


@dataclass(frozen=True)
class Observation:
    """What was seen, smelt and found on the injured; empty means "not observed"."""

    state: str = ""
    colour: str = ""
    odour: str = ""
    symptoms: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return bool(self.state) + bool(self.colour) + bool(self.odour) + len(self.symptoms)


@dataclass
class Candidate:
    chemical: Chemical
    matched: list[str] = field(default_factory=list)     # observations that fit, as words
    contradicted: list[str] = field(default_factory=list)  # observations that do not

    @property
    def score(self) -> int:
        return len(self.matched)


def chemical_identify(observation: Observation, *, limit: int = 10) -> list[Candidate]:
    """Catalogue entries that fit, best first: score = matched observations; ties go to the
    entry that contradicts fewer of them, then to the Table 1 order."""
    if not observation.count:
        return []
    entries = Chemical.objects.exclude(physical_state="").order_by("gb18218_seq", "name")
    ranked = [c for c in (_compare(chem, observation) for chem in entries) if c.score]
    ranked.sort(key=lambda c: (-c.score, len(c.contradicted), c.chemical.gb18218_seq or 0))
    return ranked[:limit]


def _compare(chem: Chemical, seen: Observation) -> Candidate:
    candidate = Candidate(chem)
    checks = [(seen.state, chem.physical_state == seen.state,
               str(PhysicalState(seen.state).label) if seen.state else ""),
              (seen.colour, seen.colour in chem.colours, seen.colour),
              (seen.odour, seen.odour in chem.odours, seen.odour)]
    checks += [(s, s in chem.symptoms, s) for s in seen.symptoms]
    for given, fits, word in checks:
        if given:
            (candidate.matched if fits else candidate.contradicted).append(word)
    return candidate

