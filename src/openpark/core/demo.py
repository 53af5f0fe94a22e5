"""Demo data of the core app: the grids of the Chengnan park."""
from .models import Grid

# South-west corner of the demo park (WGS-84) and the size of one grid cell in degrees.
ORIGIN_LON, ORIGIN_LAT = 120.245, 31.955
CELL_LON, CELL_LAT = 0.012, 0.010
GRID_NAMES = ["六圩港西", "六圩港东", "道口北", "道口南", "汽贸城西", "汽贸城东"]


def grid_boundary(column: int, row: int) -> dict:
    west, south = ORIGIN_LON + column * CELL_LON, ORIGIN_LAT + row * CELL_LAT
    east, north = round(west + CELL_LON, 6), round(south + CELL_LAT, 6)
    west, south = round(west, 6), round(south, 6)
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def demo_grids() -> list[Grid]:
    return [
        Grid(code=f"CN-{i + 1:02d}", name=f"{name}网格", boundary=grid_boundary(i % 3, i // 3))
        for i, name in enumerate(GRID_NAMES)
    ]


def load(out) -> None:
    existing = set(Grid.all_objects.values_list("code", flat=True))
    created = 0
    for grid in demo_grids():
        if grid.code not in existing:
            grid.save()
            created += 1
    out.write(f"网格：新建 {created} 个，已有 {len(existing)} 个。")


def ensure_target(name: str, year: int, metric: str, target_value, params: dict | None = None, owner: str = "",
                  note: str = "", since: int | None = None) -> None:
    """A demo target of the year (or of the years `since`–`year`), made once (then it is the park's
    to change), through the model's own rules."""
    from datetime import date

    from .models import Target

    if Target.all_objects.filter(name=name).exists():
        return
    period = {"year": year} if since is None else {"start": date(since, 1, 1), "end": date(year, 12, 31)}
    target = Target(name=name, metric=metric, params=params or {}, target_value=target_value,
                    owner=owner, note=note, **period)
    target.full_clean()
    target.save()
