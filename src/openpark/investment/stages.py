"""What a project needs to enter each stage, and what a project's entered history must hold.

`STAGE_FACTS` is the one table of the facts each stage needs (签约: the contract's date and amount;
供地: the parcel or the land certificate; 开工: the construction permit's number and date; 竣工 and
投产: the day). A park changes what a stage needs here. Every path that moves a project runs these
checks, with the same messages: a transition on the page or in the API (`services.advance`), and
an existing project entered with its history on its page, in the API or in the import
(`services.enter_existing`).
"""
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError

from openpark.core.limits import FIRST_YEAR

from .choices import STAGE_ORDER, Stage

DAY = "on"  # the stage's own actual date, among the values a check reads


@dataclass(frozen=True)
class StageFact:
    """One thing a stage needs: any one of `fields` filled (a parcel or a certificate)."""

    fields: tuple[str, ...]
    label: str


STAGE_FACTS: dict[str, tuple[StageFact, ...]] = {
    Stage.SIGNED: (StageFact(("contract_signed_on",), "合同签订日期"), StageFact(("contract_amount",), "合同金额")),
    Stage.LAND: (StageFact(("land_parcel", "land_certificate"), "供地地块编号或不动产权证号"),),
    Stage.STARTED: (StageFact(("permit_number",), "施工许可证号"), StageFact(("permit_issued_on",), "施工许可日期")),
    Stage.COMPLETED: (StageFact((DAY,), "竣工日期"),),
    Stage.PRODUCING: (StageFact((DAY,), "投产日期"),),
}
# The project's fields that hold the facts (the day is the stage's own date).
FACT_FIELDS = ("contract_signed_on", "contract_amount", "land_parcel", "land_certificate", "permit_number",
               "permit_issued_on")
FACT_DATES = {"contract_signed_on": "合同签订日期", "permit_issued_on": "施工许可日期"}
# The stage a fact's date cannot come after: the contract is signed by the day the project is 签约.
FACT_DATE_STAGES = {"contract_signed_on": Stage.SIGNED, "permit_issued_on": Stage.STARTED}


def stage_label(stage: str) -> str:
    return Stage(stage).label


def filled(value) -> bool:
    return value is not None and (not isinstance(value, str) or value.strip() != "")


def missing_facts(stage: str, values: dict) -> list[str]:
    """The labels of what `stage` needs that `values` (the project's facts, and "on": the stage's
    date as given) lacks."""
    return [fact.label for fact in STAGE_FACTS.get(stage, ())
            if not any(filled(values.get(name)) for name in fact.fields)]


def facts_message(stage: str, missing: list[str]) -> str:
    return f"进入“{stage_label(stage)}”阶段须填写：{'、'.join(missing)}。"


def check_facts(stage: str, values: dict) -> None:
    """ValidationError, in Chinese, when `values` lack what entering `stage` needs."""
    missing = missing_facts(stage, values)
    if missing:
        raise ValidationError(facts_message(stage, missing))


def fact_errors(facts: dict, stage_dates: dict, today: date) -> dict[str, str]:
    """What is wrong with a project's facts ({field: message}, in Chinese): a contract amount of
    nothing, a date after today or before FIRST_YEAR, a date later than the day the project entered
    the stage it belongs to (`stage_dates`: {stage: date} as far as known). Every path that writes
    facts runs it: the project's own rules (page, API, import), a transition and an entered history."""
    errors = {}
    amount = facts.get("contract_amount")
    if amount is not None and amount <= 0:
        errors["contract_amount"] = "合同金额须大于 0。"
    for name, label in FACT_DATES.items():
        day, stage = facts.get(name), FACT_DATE_STAGES[name]
        if day is None:
            continue
        if day > today:
            errors[name] = f"{label}（{day:%Y-%m-%d}）晚于今天。"
        elif day.year < FIRST_YEAR:
            errors[name] = f"{label}（{day:%Y-%m-%d}）早于 {FIRST_YEAR} 年。"
        elif stage_dates.get(stage) is not None and day > stage_dates[stage]:
            errors[name] = (f"{label}（{day:%Y-%m-%d}）晚于项目进入“{stage_label(stage)}”阶段的日期"
                            f"（{stage_dates[stage]:%Y-%m-%d}）。")
    return errors


def date_field(stage: str) -> str:
    """The name under which a stage's past date comes in (page, API and import)."""
    return f"{stage}_on"


HISTORY_FIELDS = {date_field(stage): stage for stage in STAGE_ORDER}


def history_errors(stage: str, dates: dict[str, date | None], facts: dict, today: date) -> list[str]:
    """What is wrong with a history in which the project is now at `stage`, having entered each
    stage on `dates[stage]`, with the project's `facts`: every message, in Chinese (none: sound).
    Each stage up to the current one needs its date, no later stage may have one, the dates run in
    the order of the stages and none is after today, and each stage reached has its facts."""
    if stage not in STAGE_ORDER:
        return [f"既有项目的当前阶段应为{'、'.join(stage_label(s) for s in STAGE_ORDER)}之一。"]
    reached = STAGE_ORDER[:STAGE_ORDER.index(stage) + 1]
    errors = [f"缺少“{stage_label(s)}”阶段的实际日期。" for s in reached if dates.get(s) is None]
    errors += [f"当前阶段为“{stage_label(stage)}”，不应填写“{stage_label(s)}”阶段的日期。"
               for s in STAGE_ORDER[len(reached):] if dates.get(s) is not None]
    errors += [f"“{stage_label(s)}”阶段的日期（{dates[s]:%Y-%m-%d}）晚于今天。"
               for s in reached if dates.get(s) is not None and dates[s] > today]
    errors += [f"“{stage_label(s)}”阶段的日期（{dates[s]:%Y-%m-%d}）早于 {FIRST_YEAR} 年。"
               for s in reached if dates.get(s) is not None and dates[s].year < FIRST_YEAR]
    errors += list(fact_errors(facts, dates, today).values())
    previous = None
    for s in reached:
        if dates.get(s) is None:
            continue
        if previous is not None and dates[s] < dates[previous]:
            errors.append(f"“{stage_label(s)}”阶段的日期（{dates[s]:%Y-%m-%d}）早于"
                          f"“{stage_label(previous)}”阶段的日期（{dates[previous]:%Y-%m-%d}）。")
        previous = s
    for s in reached:  # a missing date is said above; here the other facts
        missing = [fact.label for fact in STAGE_FACTS.get(s, ()) if DAY not in fact.fields
                   and not any(filled(facts.get(name)) for name in fact.fields)]
        if missing:
            errors.append(facts_message(s, missing))
    return errors


def history_note(dates: dict[str, date]) -> str:
    """The entered history in words, for the project's timeline."""
    return "录入既有项目历史：" + "，".join(f"{stage_label(s)} {dates[s]:%Y-%m-%d}" for s in STAGE_ORDER
                                         if dates.get(s) is not None)
