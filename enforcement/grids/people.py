"""Who is a grid's people: the users with an open term (`GridMember.ended` empty) on a
cell or on one of its ancestors (a level-2 网格长 answers for the level-3 and level-4 cells
under them). Shared by the write side (who may confirm, patrol) and the read side (their
to-dos), so both ask the same question."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from enforcement.grids.models import GridMember
from geo.models import GridCell, User

# Grid levels run 1 (county) to 4: a cell has at most three ancestors.
CELL_PATHS = ("id", "parent_id", "parent__parent_id", "parent__parent__parent_id")


def open_cells(user: User) -> QuerySet:
    """The ids of the cells `user` holds an open term on (a subquery)."""
    return GridMember.objects.filter(user_id=user.pk, ended__isnull=True).values("cell_id")


def under_user(user: User, *, via: str = "cell__") -> Q:
    """A filter on the cells `user` answers for, their own and those below them: on
    `GridCell` rows with `via=""`, on rows with a `cell` foreign key by default."""
    held = open_cells(user)
    q = Q()
    for path in CELL_PATHS:
        q |= Q(**{f"{via}{path}__in": held})
    return q


def answers_for(user: User, cell: GridCell) -> bool:
    """Whether `user` is one of the people of `cell` or of a cell above it (one query)."""
    if user is None or not user.is_authenticated:
        return False
    return GridCell.objects.filter(under_user(user, via=""), pk=cell.pk).exists()
