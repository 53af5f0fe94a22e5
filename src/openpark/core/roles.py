"""The roles of the platform, declared in one place.

A role is a Django group. `access` names, per app label or per model ("<app>.<model>"), what the
role may do with those records:

- "view": only see them; "edit": see, add, change and delete them; "none": nothing (a model's own
  entry wins over its app's, so "none" takes one model of an app away);
- one action, or a tuple of actions, for exactly those (with "view", since nobody acts on records
  they cannot see): "add", "change", "delete", and the name of any transition of the model's state
  machine (`Transition.permission`), e.g. `{"core.grid": "add"}` (may file, may not change) or
  `{"evaluation.run": ("view", "compute", "publish")}`. On an app, a transition name applies to
  the app's models that have that transition.

Permissions of apps that are added later are granted when their migrations run (see
`sync_role_permissions`, connected to post_migrate). Park-wide roles see every record; the others
see only what their bindings allow (see `openpark.core.scoping`).
"""
from dataclasses import dataclass, field

VIEW, EDIT, NONE = "view", "edit", "none"
MODEL_ACTIONS = ("view", "add", "change", "delete")
DOMAIN_APPS = (
    "enterprises", "economy", "evaluation", "investment", "environment", "transformation",
    "community", "cockpit", "talent",
)
# Nobody adds, changes or deletes these records through the application.
READ_ONLY_MODELS = {"core.changerecord", "core.statechange"}


@dataclass(frozen=True)
class Role:
    slug: str
    name: str
    duty: str
    park_wide: bool
    access: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    extra: tuple[str, ...] = ()  # other permissions, as "app_label.codename"
    # One of the three administrators of 三员分立 (system, security, audit): granted only by a
    # superuser, and its holders' accounts are out of reach of the other administrators.
    administrative: bool = False


def _all(level: str | tuple[str, ...], *apps: str) -> dict[str, str | tuple[str, ...]]:
    return dict.fromkeys(apps, level)


# The industry chains are the enterprises app's models (every app reads them), but the work of 招商:
# a role has them at the level it has 招商's records.
CHAIN_MODELS = ("enterprises.chain", "enterprises.chainlink", "enterprises.chainmembership")


def _chains(level: str) -> dict[str, str]:
    return dict.fromkeys(CHAIN_MODELS, level)


# The government's sign-offs of an outfall (its remediation plan, 县级预销号, 市级审核销号, 取缔,
# 合并, 回头看, and ruling a suspected outfall out) and of an environment problem (交办, 上报,
# 核查销号, 退回): the 环保 office's alone. The field work (核实, 监测, 溯源, 申请销号) is a change.
OUTFALL_SIGN_OFFS = ("reject", "approve_plan", "county_preclose", "close", "abolish", "merge", "reopen")
PROBLEM_STEPS = ("assign", "refer", "start", "rectify", "close", "send_back")
# What a contracted 环保管家 records for the enterprises its contract covers: their outfalls and the
# field work on them, its inspections, and their environmental file. The park-wide reference data
# (water bodies, outfall classes, river chiefs, patrols, monitoring sites and samples) and the
# government's own records (enforcement, penalties, credit ratings, the steward's assessment) it
# only sees.
STEWARD_RECORDS = tuple(f"environment.{name}" for name in (
    "outfall", "outfallsample", "remediationplan", "measure", "pollutionsource", "tracing", "stewardinspection",
    "dischargepermit", "eiaapproval", "completionacceptance", "treatmentfacility", "onlinemonitor",
    "hazardouswastemanifest", "emergencyplan",
))

# The 随手拍 workflow: the grid centre (党建社区) verifies, registers, dispatches, approves
# extensions, parks and closes; a department accepts, handles, replies or returns; a grid worker
# re-checks on site; a reporter withdraws and evaluates their own.
CASE_CENTRE_STEPS = ("verify", "reject", "mark_duplicate", "register", "dispatch", "approve_extension",
                     "refuse_extension", "park", "unpark", "recheck_pass", "recheck_fail", "close")
CASE_HANDLER_STEPS = ("accept", "send_back", "request_extension", "reply")
CASE_RECHECK_STEPS = ("recheck_pass", "recheck_fail")
CASE_REPORTER_STEPS = ("withdraw", "evaluate")

ROLES: tuple[Role, ...] = (
    Role(
        "leader", "园区领导", "驾驶舱：全年指标与目标对比、地图、年度报告", True,
        {**_all(VIEW, *DOMAIN_APPS), "core.grid": VIEW, "core.changerecord": VIEW, "core.target": VIEW},
    ),
    Role(
        "economy", "经发", "企业数据归集、经济运行监测、亩均评价、低效用地处置", True,
        {
            **_all(VIEW, "investment", "environment", "transformation", "cockpit", "talent"),
            **_all(EDIT, "enterprises", "economy", "evaluation"), **_chains(VIEW),
            "core.grid": VIEW, "core.changerecord": VIEW, "core.target": EDIT,
        },
        extra=("enterprises.view_contact_phone", "evaluation.publish_run"),
    ),
    Role(
        "investment", "招商", "产业链与目标企业、线索、走访、项目全生命周期", True,
        {**_all(VIEW, "enterprises", "economy", "cockpit"), "investment": EDIT, **_chains(EDIT), "core.target": VIEW},
        extra=("enterprises.view_contact_phone", "investment.enter_project_history"),
    ),
    Role(
        "environment", "环保", "排口、整治、污染源、巡河、水质、企业环境档案、环保管家检查", True,
        {**_all(VIEW, "enterprises", "cockpit"), "environment": EDIT, "enterprises.servicecontract": EDIT,
         "environment.outfall": (*MODEL_ACTIONS, *OUTFALL_SIGN_OFFS),
         "environment.environmentproblem": (*MODEL_ACTIONS, *PROBLEM_STEPS),
         **_chains(NONE)},
        # The office calls the river chiefs (their phones are on the rivers' public signboards);
        # others who read the river records see the phone masked.
        extra=("environment.view_riverchief_phone",),
    ),
    Role(
        "industry", "工信", "智改数转认定与目标，人才服务", True,
        {**_all(VIEW, "enterprises", "economy", "cockpit"), "transformation": EDIT, "talent": EDIT, **_chains(NONE),
         "core.target": EDIT},
    ),
    Role(
        "community", "党建社区", "组织、党员、驿站、志愿队伍、活动、积分、随手拍", True,
        {**_all(VIEW, "enterprises", "cockpit"), "community": EDIT, "core.grid": EDIT, **_chains(NONE),
         "community.case": (*MODEL_ACTIONS, *CASE_CENTRE_STEPS), "community.open311key": NONE,
         "community.departmentbinding": VIEW},
        extra=("community.view_worker_identity", "community.view_reporter_identity"),
    ),
    Role(
        "grid", "网格员", "随手拍上报问题，查看和兑换积分", False,
        {"community": VIEW, "core.grid": VIEW, "community.case": ("view", *CASE_REPORTER_STEPS, *CASE_RECHECK_STEPS),
         "community.open311key": NONE, "community.department": NONE, "community.departmentbinding": NONE},
        extra=("community.view_own_points", "community.redeem_own_points", "community.sign_up_own"),
    ),
    Role(
        # A department cases are dispatched to (城管, 环保, 建设, 属地…): sees and works its own cases.
        "department", "处置部门", "签收、处置和反馈派遣来的随手拍案件", False,
        {"community.case": ("view", *CASE_HANDLER_STEPS), "community.casecategory": VIEW, "community.department": VIEW},
    ),
    Role(
        "enterprise", "企业用户", "查看和确认本企业数据，下载本企业评价报告", False,
        {**_all(VIEW, "enterprises", "economy", "evaluation", "environment", "transformation"), "investment.project": VIEW,
         "environment.environmentproblem": ("view", "start", "rectify"), **_chains(NONE),
         # 人才服务: the enterprise's own postings, partnerships, booths, trainings and apprenticeships;
         # the park's fairs are no enterprise's records.
         "talent": VIEW, "talent.recruitmentfair": NONE},
    ),
    Role(
        # A contracted third party: sees the enterprises its contract covers while it runs.
        "steward", "环保管家", "按服务合同查看所服务企业的档案，开展环保检查", False,
        {"enterprises": VIEW, "environment": VIEW, **_all(("add", "change"), *STEWARD_RECORDS),
         "environment.environmentproblem": ("add", "start", "rectify"), **_chains(NONE)},
    ),
    Role(
        "admin", "系统管理员", "账号、网格与绑定、工作日历；申请授予业务角色", True,
        {
            # Viewing enterprises lets the administrator bind enterprise accounts to them.
            "core.user": EDIT, "core.grid": EDIT, "enterprises.enterprisebinding": EDIT,
            "enterprises.contractbinding": EDIT, "enterprises.servicecontract": VIEW,
            "core.calendarday": EDIT, "core.calendaryear": EDIT,
            "enterprises.enterprise": VIEW,
            "core.gridbinding": EDIT, "auth.group": VIEW, "core.rolegrant": VIEW,
            "community.departmentbinding": EDIT, "community.department": VIEW, "community.open311key": EDIT,
        },
        extra=("core.add_rolegrant", "core.approve_rolegrant", "core.view_user_phone"),
        administrative=True,
    ),
    Role(
        "security", "安全管理员", "授予和收回业务角色、审批授权申请、吊销接口令牌", True,
        {"core.rolegrant": VIEW, "core.apitoken": VIEW},
        extra=("core.add_rolegrant", "core.approve_rolegrant", "core.grant_role_directly",
               "core.view_user", "core.delete_apitoken"),
        administrative=True,
    ),
    Role(
        "audit", "审计管理员", "查阅变更记录、状态变更、授权记录和登录记录（只读）", True,
        {
            "core.changerecord": VIEW, "core.statechange": VIEW, "core.rolegrant": VIEW,
            "core.apitoken": VIEW, "axes.accessattempt": VIEW, "axes.accesslog": VIEW,
            "axes.accessfailurelog": VIEW,
        },
        extra=("core.view_all_changes",),
        administrative=True,
    ),
)
ROLES_BY_NAME = {role.name: role for role in ROLES}
ROLES_BY_SLUG = {role.slug: role for role in ROLES}
PARK_WIDE_ROLE_NAMES = frozenset(role.name for role in ROLES if role.park_wide)
ADMINISTRATIVE_ROLE_NAMES = frozenset(role.name for role in ROLES if role.administrative)
BUSINESS_ROLES = tuple(role for role in ROLES if not role.administrative)

LEVELS = {VIEW: ("view",), EDIT: MODEL_ACTIONS, NONE: ()}


def actions_of(level: str | tuple[str, ...]) -> tuple[str, ...]:
    """The actions an `access` value grants: a level's, or those named with "view"."""
    if isinstance(level, str):
        return LEVELS.get(level, ("view", level))
    return tuple(dict.fromkeys(("view", *level)))


def transition_permission(app_label: str, model_name: str, name: str) -> str | None:
    """The permission ("app_label.codename") of the model's transition `name`, if it has one; the
    model's state machine is found as the workflows find it (`openpark.core.workflows.machine_of`)."""
    from django.apps import apps

    from .workflows import machine_of, transition_named  # at call time: workflows imports what imports roles

    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return None
    machine = machine_of(model)
    transition = transition_named(machine, name) if machine is not None else None
    return transition.permission if transition is not None else None


def permission_codenames(role: Role, models_by_app: dict[str, list[str]],
                         transitions=transition_permission) -> set[tuple[str, str]]:
    """(app_label, codename) pairs a role holds, given the models each app has; `transitions`
    finds the permission of a model's transition by name. A transition named for one model that
    the model does not have is a mistake in the declaration, and raises."""
    levels: dict[tuple[str, str], tuple] = {}
    for target, level in role.access.items():
        app_label, _, model_name = target.partition(".")
        for name in [model_name] if model_name else models_by_app.get(app_label, []):
            if model_name or (app_label, name) not in levels:  # a model's own level wins over its app's
                levels[(app_label, name)] = (level, target, bool(model_name))
    wanted: set[tuple[str, str]] = set()
    for (app_label, name), (level, target, named) in levels.items():
        read_only = f"{app_label}.{name}" in READ_ONLY_MODELS
        for action in actions_of(level):
            if action in MODEL_ACTIONS:
                if action == "view" or not read_only:
                    wanted.add((app_label, f"{action}_{name}"))
                continue
            permission = transitions(app_label, name, action)
            if permission is not None:
                wanted.add(tuple(permission.split(".", 1)))
            elif named:
                raise ValueError(f"角色“{role.name}”：{target} 没有“{action}”这种操作。")
    wanted.update(tuple(permission.split(".", 1)) for permission in role.extra)
    return wanted


def sync_role_permissions(apps=None, **kwargs) -> None:
    """Create the role groups and give each exactly its declared permissions.

    Safe to run any number of times; runs after every migrate, so that a new app's models are
    granted as soon as they exist.
    """
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:
        return
    models_by_app: dict[str, list[str]] = {}
    for app_label, model_name in Permission.objects.values_list(
        "content_type__app_label", "content_type__model"
    ).distinct():
        models_by_app.setdefault(app_label, []).append(model_name)
    permission_ids = {
        (app_label, codename): pk
        for pk, app_label, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role.name)
        wanted = permission_codenames(role, models_by_app)
        group.permissions.set([permission_ids[key] for key in wanted if key in permission_ids])
