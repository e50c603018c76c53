"""Plausible Chinese names for generated places and enterprises (all fictional)."""

from __future__ import annotations

import numpy as np

# Characters common in place names of the lower Yangtze (江淮) plain.
PLACE_CHARS = (
    "江河湖海山川泉溪港湾洲渚塘圩坝埠桥渡浦汀沙滩岗岭峰丘林竹梅桃柳松杨枫荷"
    "东西南北中上下前后新旧大小长高平安宁康泰丰盛兴隆和顺永福寿吉庆祥瑞华荣"
    "金银玉宝珠青白红黄绿阳明春秋晨曦云霞虹凤龙鹤鹿马牛羊龟城镇集店庄营楼台"
)
# 字号 (trade names) for enterprises.
TRADE_CHARS = (
    "金华润恒泰瑞丰盛鑫源达通宏远博凯嘉信诚德利和兴隆昌升腾威力强新联合万众"
    "天地中东南扬子江淮沪宁苏扬锦绣蓝海绿洲晨光正大同创汇聚科维优思普欧美亚"
)
ROADS = ("人民路", "建设路", "解放路", "长江路", "滨江大道", "工业大道", "纬一路",
         "经二路", "园区路", "新材料路", "化工大道", "宁通路", "沿江路", "振兴路")


def unique_names(rng: np.random.Generator, count: int, suffixes: list[str],
                 taken: set[str] | None = None, chars: str = PLACE_CHARS) -> list[str]:
    """`count` distinct two-character names, each with its suffix (same length list)."""
    taken = set() if taken is None else taken
    names: list[str] = []
    while len(names) < count:
        a, b = rng.integers(0, len(chars), 2)
        stem = chars[a] + chars[b]
        if a == b or stem in taken:
            continue
        taken.add(stem)
        names.append(stem + suffixes[len(names)])
    return names


def trade_names(rng: np.random.Generator, count: int) -> np.ndarray:
    """`count` two-character trade names (may repeat: real ones do across a province)."""
    chars = np.array(list(TRADE_CHARS))
    idx = rng.integers(0, len(chars), (count, 2))
    return np.char.add(chars[idx[:, 0]], chars[idx[:, 1]])


def addresses(rng: np.random.Generator, places: np.ndarray) -> np.ndarray:
    """Street addresses inside the given place names (e.g. "城东镇工业大道88号")."""
    roads = np.array(ROADS)[rng.integers(0, len(ROADS), len(places))]
    numbers = rng.integers(1, 999, len(places)).astype(str)
    return np.char.add(np.char.add(np.char.add(places.astype(str), roads), numbers), "号")
