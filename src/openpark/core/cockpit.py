"""The park cockpit (驾驶舱): the leaders' first screen, made of tiles that the apps register.

Each app registers its tiles in its own `cockpit.py`, imported by its AppConfig.ready(); core knows
none of them. A tile's figures are the module's own numbers, computed by the module's services,
and each figure links to the module page it comes from. A user sees a tile only when one of their
roles grants the tile's permission (and, for park-wide figures, only when the user is park-wide).
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from . import columns


@dataclass(frozen=True)
class Figure:
    """One number on a tile, as officials write it: thousands separators, its unit, a growth with
    its sign and %, a status (预警 / 优秀) where the module sets one, and the page it comes from."""
    label: str
    value: Decimal | int | float | None
    unit: str = ""
    places: int = 0
    url: str = ""
    growth_pct: Decimal | float | None = None
    growth_label: str = "同比"
    status: str = ""  # "alarm", "excellent" or ""
    note: str = ""

    @property
    def text(self) -> str:
        return number_text(self.value, self.places)

    @property
    def growth_text(self) -> str:
        return signed_pct(self.growth_pct)


@dataclass(frozen=True)
class Panel:
    """What a tile shows now: its figures, the period they are of, and the module page behind them.
    `template` and `context` let a tile show something other than figures (a map); `scripts` and
    `styles` are the static files it needs on the page."""
    figures: tuple[Figure, ...] = ()
    period: str = ""
    url: str = ""
    note: str = ""
    items: tuple[tuple[str, str], ...] = ()  # (text, url) lines under the figures: alarms, say
    template: str = ""
    context: dict = field(default_factory=dict)
    scripts: tuple[str, ...] = ()
    styles: tuple[str, ...] = ()
    wide: bool = False


@dataclass(frozen=True)
class Tile:
    key: str
    title: str
    order: int
    # "app_label.codename", or several that are all needed; None: every user who may open the cockpit
    permission: str | tuple[str, ...] | None
    build: Callable[..., Panel | None]  # (year) -> the panel, or None when there is nothing to show
    park_wide: bool = True  # park-wide figures: not for users scoped to their enterprises or grids
    # Shown on the wall display too. The wall's fixed layout (four tiles in two rows beside the map,
    # sized so that nothing runs over at 1280×800) holds the tiles laid out for it.
    on_wall: bool = True


_tiles: dict[str, Tile] = {}


def register(tile: Tile) -> None:
    _tiles[tile.key] = tile


def unregister(key: str) -> None:
    _tiles.pop(key, None)


def tiles() -> list[Tile]:
    return sorted(_tiles.values(), key=lambda tile: (tile.order, tile.key))


def tiles_for(user) -> list[Tile]:
    """The tiles the user may see, in order."""
    from .scoping import is_park_wide

    if not user.is_authenticated:
        return []
    park_wide = is_park_wide(user)
    return [tile for tile in tiles() if user.has_perms(_needed(tile.permission)) and (park_wide or not tile.park_wide)]


def _needed(permission) -> tuple[str, ...]:
    if permission is None:
        return ()
    return (permission,) if isinstance(permission, str) else tuple(permission)


def panels_for(user, year: int | None = None) -> list[tuple[Tile, Panel]]:
    """Each tile the user may see with what it shows for `year` (this year by default)."""
    year = year or this_year()
    built = ((tile, tile.build(year)) for tile in tiles_for(user))
    return [(tile, panel) for tile, panel in built if panel is not None]


def this_year() -> int:
    return timezone.localdate().year


def year_shown(year: int, latest: int | None) -> tuple[int | None, str]:
    """The year a tile shows when asked for `year`: that year when it has data (`latest`, the
    latest year with data, is it or later), else the latest year with data, said so."""
    if latest is None:
        return None, f"{year} 年尚无数据"
    if latest >= year:
        return year, ""
    return latest, f"{year} 年尚无数据，显示最近有数据的 {latest} 年"


def number_text(value, places: int = 0) -> str:
    """12345.678 → "12,345.68" (places=2); None → "—" (the rule's home: `openpark.core.columns`)."""
    if value is None:
        return "—"
    return columns.number_text(Decimal(str(value)), places)


signed_pct = columns.signed_pct
