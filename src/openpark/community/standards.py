"""The one standard every service station is built to: the facilities it offers, chosen from a
fixed list, and the checklist an inspection goes through, with its result. Pure functions, no
database: the model, its form, the API, the import, the export and the filters all use these.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .choices import Facility

SEPARATORS = (",", "，", ";", "；", "\n")  # read as "、"; "/" is part of labels such as 热饭/微波炉
# Other names people write for a facility (and the parts of a label written alone).
FACILITY_SYNONYMS = {
    "饮用水": Facility.WATER, "饮水机": Facility.WATER, "热水": Facility.WATER,
    "充电桩": Facility.CHARGING, "手机充电": Facility.CHARGING,
    "休息区": Facility.REST, "休息座椅": Facility.REST,
    "应急药箱": Facility.FIRST_AID, "药箱": Facility.FIRST_AID, "医药箱": Facility.FIRST_AID,
    "急救": Facility.FIRST_AID,
    "厕所": Facility.TOILET, "洗手间": Facility.TOILET,
    "热饭": Facility.HOT_MEAL, "微波炉": Facility.HOT_MEAL,
    "空调": Facility.CLIMATE, "避暑": Facility.CLIMATE, "取暖": Facility.CLIMATE, "避暑取暖": Facility.CLIMATE,
    "雨衣": Facility.RAIN_GEAR, "雨伞": Facility.RAIN_GEAR,
    "图书": Facility.READING, "学习": Facility.READING, "图书角": Facility.READING,
    "维修": Facility.REPAIR_TOOLS, "工具": Facility.REPAIR_TOOLS, "打气筒": Facility.REPAIR_TOOLS,
}
FACILITY_ORDER = {code: index for index, code in enumerate(Facility.values)}


def facility_code(name: str) -> str | None:
    """The code of a facility written by its code, its label or another name; None if unknown."""
    name = (name or "").strip()
    if name in FACILITY_ORDER:
        return name
    for code, label in Facility.choices:
        if name == str(label):
            return code
    found = FACILITY_SYNONYMS.get(name)
    return str(found) if found is not None else None


def _names(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        for separator in SEPARATORS:
            value = value.replace(separator, "、")
        return [part.strip() for part in value.split("、") if part.strip()]
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        return [str(part).strip() for part in value if str(part).strip()]
    raise ValueError("设施应为设施名称的列表，或以“、”分隔的设施名称。")


def parse_facilities(value) -> tuple[list[str], list[str]]:
    """(codes in the list's order, without repeats; the names that are no facility of the list),
    from a list of codes or names, or a text such as "饮水、充电、休息"."""
    codes, unknown = set(), []
    for name in _names(value):
        code = facility_code(name)
        if code is None:
            unknown.append(name)
        else:
            codes.add(code)
    return sorted(codes, key=FACILITY_ORDER.__getitem__), unknown


def unknown_facilities_message(unknown: Iterable[str]) -> str:
    return (f"没有“{'、'.join(unknown)}”这项设施；可选的设施有：{'、'.join(str(label) for label in Facility.labels)}")


def normalise_facilities(value) -> list[str]:
    """The codes of the facilities `value` names; ValueError naming any unknown facility."""
    codes, unknown = parse_facilities(value)
    if unknown:
        raise ValueError(unknown_facilities_message(unknown))
    return codes


def facilities_text(codes) -> str:
    """The facilities as people read them: "饮水、充电"."""
    labels = dict(Facility.choices)
    return "、".join(str(labels.get(code, code)) for code in codes or ())


# The inspection checklist ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    field: str
    label: str


# Each inspection marks every item as met or not (one field of `StationInspection` per item).
CHECKLIST = (
    Item("signage", "标识标牌统一"),
    Item("rules_posted", "制度上墙"),
    Item("drinking_water", "饮水设施"),
    Item("charging_point", "充电设施"),
    Item("seating", "休息座椅"),
    Item("first_aid_kit", "急救药箱"),
    Item("fire_equipment", "消防器材"),
    Item("tidy", "卫生整洁"),
    Item("hours_posted", "开放时间公示"),
    Item("records_kept", "台账记录"),
)
CHECKLIST_FIELDS = tuple(item.field for item in CHECKLIST)
PASSED, FAILED = "达标", "不达标"


@dataclass(frozen=True)
class Result:
    failed: tuple[str, ...]  # labels of the items not met, in the checklist's order

    @property
    def passed(self) -> bool:
        return not self.failed

    @property
    def text(self) -> str:
        if self.passed:
            return PASSED
        return f"{FAILED}（{len(self.failed)} 项未达标：{'、'.join(self.failed)}）"


def inspection_result(marks: Mapping[str, bool]) -> Result:
    """An inspection's result from its marks ({item field: met}): 达标 when every item of the
    checklist is met; an item left unmarked counts as not met."""
    return Result(tuple(item.label for item in CHECKLIST if not marks.get(item.field)))
