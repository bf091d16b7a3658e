"""A delta-debugging shrinker over the generated tree: the smallest page that still shows a
failure. It removes runs of children (halves first, then smaller runs, then single nodes) and
unwraps elements, keeping each cut while the failure persists, until no cut keeps it.

Cuts are made in place and undone when the failure goes away, so a try costs one parse.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from fuzz.dom import El, Node, walk

Still = Callable[[El], bool]
_MAX_TRIES = 4000  # a bound on parser calls; pages of ~1,000 elements converge well within it


class _Budget:
    def __init__(self) -> None:
        self.tries = 0

    def spent(self) -> bool:
        return self.tries >= _MAX_TRIES


def shrink(tree: El, still_fails: Still) -> El:
    current = copy.deepcopy(tree)
    budget = _Budget()
    progress = True
    while progress and not budget.spent():
        progress = False
        for node in list(walk(current)):
            progress |= _cut_children(current, node, still_fails, budget)
        for node in list(walk(current)):
            progress |= _unwrap_children(current, node, still_fails, budget)
    return current


def _cut_children(root: El, node: El, still_fails: Still, budget: _Budget) -> bool:
    progress = False
    chunk = max(1, len(node.children) // 2)
    while not budget.spent():
        start = 0
        while start < len(node.children) and not budget.spent():
            removed = node.children[start : start + chunk]
            del node.children[start : start + chunk]
            budget.tries += 1
            if still_fails(root):
                progress = True
            else:
                node.children[start:start] = removed
                start += chunk
        if chunk == 1:
            return progress
        chunk = max(1, chunk // 2)
    return progress


def _unwrap_children(root: El, node: El, still_fails: Still, budget: _Budget) -> bool:
    progress = False
    index = 0
    while index < len(node.children) and not budget.spent():
        child = node.children[index]
        if isinstance(child, El) and child.tag not in ("head", "body"):
            inner: list[Node] = list(child.children)
            node.children[index : index + 1] = inner
            budget.tries += 1
            if still_fails(root):
                progress = True
                continue
            node.children[index : index + len(inner)] = [child]
        index += 1
    return progress
