"""The roles of the platform, declared in one place.

A role is a Django group. `access` names, per app label, whether the role may only view ("view")
or also add, change and delete ("edit") that app's records; "<app>.<model>" entries set one model's
level, over its app's (NONE takes the model away). Permissions of apps that are added later are granted when their migrations run
(see `sync_role_permissions`, connected to post_migrate). Park-wide roles see every record;
the others see only what their bindings allow (see `openpark.core.scoping`).
"""
from dataclasses import dataclass, field

VIEW, EDIT, NONE = "view", "edit", "none"
DOMAIN_APPS = (
    "enterprises", "economy", "evaluation", "investment", "environment", "transformation",
    "community", "cockpit",
)
# Nobody adds, changes or deletes these records through the application.
READ_ONLY_MODELS = {"core.changerecord", "core.statechange"}


@dataclass(frozen=True)
class Role:
    slug: str
    name: str
    duty: str
    park_wide: bool
    access: dict[str, str] = field(default_factory=dict)
    extra: tuple[str, ...] = ()  # other permissions, as "app_label.codename"
    # One of the three administrators of 三员分立 (system, security, audit): granted only by a
    # superuser, and its holders' accounts are out of reach of the other administrators.
    administrative: bool = False


def _all(level: str, *apps: str) -> dict[str, str]:
    return {app: level for app in apps}


# The industry chains are the enterprises app's models (every app reads them), but the work of 招商:
# a role has them at the level it has 招商's records.
CHAIN_MODELS = ("enterprises.chain", "enterprises.chainlink", "enterprises.chainmembership")


def _chains(level: str) -> dict[str, str]:
    return {model: level for model in CHAIN_MODELS}


ROLES: tuple[Role, ...] = (
    Role(
        "leader", "园区领导", "驾驶舱：全年指标与目标对比、地图、年度报告", True,
        {**_all(VIEW, *DOMAIN_APPS), "core.grid": VIEW, "core.changerecord": VIEW},
    ),
    Role(
        "economy", "经发", "企业数据归集、经济运行监测、亩均评价、低效用地处置", True,
        {
            **_all(VIEW, "investment", "environment", "transformation", "cockpit"),
            **_all(EDIT, "enterprises", "economy", "evaluation"), **_chains(VIEW),
            "core.grid": VIEW, "core.changerecord": VIEW,
        },
        extra=("enterprises.view_contact_phone", "evaluation.publish_run"),
    ),
    Role(
        "investment", "招商", "产业链与目标企业、线索、走访、项目全生命周期", True,
        {**_all(VIEW, "enterprises", "economy", "cockpit"), "investment": EDIT, **_chains(EDIT)},
        extra=("enterprises.view_contact_phone",),
    ),
    Role(
        "environment", "环保", "排口、整治、污染源、巡河、水质、企业环境档案、环保管家检查", True,
        {**_all(VIEW, "enterprises", "cockpit"), "environment": EDIT, **_chains(NONE)},
    ),
    Role(
        "industry", "工信", "智改数转认定与目标", True,
        {**_all(VIEW, "enterprises", "economy", "cockpit"), "transformation": EDIT, **_chains(NONE)},
    ),
    Role(
        "community", "党建社区", "组织、党员、驿站、志愿队伍、活动、积分、随手拍", True,
        {**_all(VIEW, "enterprises", "cockpit"), "community": EDIT, "core.grid": EDIT, **_chains(NONE)},
    ),
    Role(
        "grid", "网格员", "随手拍上报问题，查看和兑换积分", False,
        {"community": VIEW, "core.grid": VIEW},
    ),
    Role(
        "enterprise", "企业用户", "查看和确认本企业数据，下载本企业评价报告", False,
        {**_all(VIEW, "enterprises", "economy", "evaluation"), "investment.project": VIEW, **_chains(NONE)},
    ),
    Role(
        "admin", "系统管理员", "账号、网格与绑定、工作日历；申请授予业务角色", True,
        {
            # Viewing enterprises lets the administrator bind enterprise accounts to them.
            "core.user": EDIT, "core.grid": EDIT, "core.enterprisebinding": EDIT,
            "core.calendarday": EDIT, "core.calendaryear": EDIT,
            "enterprises.enterprise": VIEW,
            "core.gridbinding": EDIT, "auth.group": VIEW, "core.rolegrant": VIEW,
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

_ACTIONS = {VIEW: ("view",), EDIT: ("view", "add", "change", "delete"), NONE: ()}


def permission_codenames(role: Role, models_by_app: dict[str, list[str]]) -> set[tuple[str, str]]:
    """(app_label, codename) pairs a role holds, given the models each app has."""
    levels: dict[tuple[str, str], str] = {}
    for target, level in role.access.items():
        app_label, _, model_name = target.partition(".")
        for name in [model_name] if model_name else models_by_app.get(app_label, []):
            if model_name or (app_label, name) not in levels:  # a model's own level wins over its app's
                levels[(app_label, name)] = level
    wanted: set[tuple[str, str]] = set()
    for (app_label, name), level in levels.items():
        actions = _ACTIONS[level]
        if f"{app_label}.{name}" in READ_ONLY_MODELS:
            actions = actions[:1]
        wanted.update((app_label, f"{action}_{name}") for action in actions)
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
