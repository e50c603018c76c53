"""Spatial core: divisions, supervision grids, organisations, users, tokens, audit and
security-event logs, sign-in sessions."""

from django.contrib.auth.models import AbstractUser
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings

from geo.places import Placed

# Significant digits of a 12-digit statistical division code at each level
# (GB/T 2260 gives the first six; towns and villages extend it to twelve).
LEVEL_DIGITS = {"province": 2, "city": 4, "county": 6, "town": 9, "village": 12}


class DivisionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县")
    TOWN = "town", _("乡镇")
    VILLAGE = "village", _("村")


def code_prefix(code: str, level: str) -> str:
    """The part of a 12-digit code that every place inside the division shares."""
    return code[: LEVEL_DIGITS[level]]


class Audited:
    """Model mixin: every change to a row is written to the audit log (geo.audit), with
    who made it. Layer models are audited without it (the layer registry tracks them)."""


class Division(Audited, models.Model):
    """Administrative division (行政区划), GB/T 2260 code padded to 12 digits."""

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("级别"), max_length=10, choices=DivisionLevel.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("上级区划"),
    )
    geom = models.MultiPolygonField(_("边界"), srid=4326)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def prefix(self) -> str:
        return code_prefix(self.code, self.level)

    @property
    def division_code(self) -> str:  # the scope field every layer shares
        return self.code


class GridCell(Audited, Placed):
    """Supervision grid cell (网格): levels 1 (county) to 4 (smallest)."""

    code = models.CharField(_("网格编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("网格级别"))
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="children",
        verbose_name=_("上级网格"),
    )
    division = models.ForeignKey(Division, models.PROTECT, verbose_name=_("所属区划"))
    responsible = models.ManyToManyField(
        "User", blank=True, related_name="grid_cells", verbose_name=_("网格责任人")
    )
    geom = models.MultiPolygonField(_("范围"), srid=4326)

    class Meta:
        verbose_name = _("监管网格")
        verbose_name_plural = _("监管网格")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    GOVERNMENT = "government", _("政府部门")
    ENTERPRISE = "enterprise", _("企业")
    AGENCY = "agency", _("中介机构")


class Organisation(Audited, models.Model):
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=OrganisationKind.choices)
    division = models.ForeignKey(Division, models.PROTECT, verbose_name=_("所属区划"))
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, verbose_name=_("上级单位")
    )
    # Supervising department rule (监管部门): a government organisation supervises the
    # enterprises of its division whose GB/T 4754 code starts with one of these prefixes
    # ("C26", "B", ...); empty means every industry of its division (catch-all).
    industry_prefixes = ArrayField(
        models.CharField(max_length=5), verbose_name=_("监管行业代码前缀"), default=list,
        db_default=[], blank=True,
        help_text=_("GB/T 4754 行业代码前缀，如 C26、B；留空表示监管本区划内全部行业"))

    class Meta:
        verbose_name = _("组织机构")
        verbose_name_plural = _("组织机构")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    PROVINCE = "province_supervisor", _("省级监管人员")
    CITY = "city_supervisor", _("市级监管人员")
    COUNTY = "county_supervisor", _("县级监管人员")
    PARK = "park_supervisor", _("园区监管人员")
    GRID = "grid_member", _("网格员")
    ENTERPRISE = "enterprise", _("企业用户")
    AGENCY = "agency", _("中介机构用户")
    ANALYST = "analyst", _("GIS分析人员")
    # 三权分立 (GB/T 22239-2019 level 3): besides the system administrator above, a
    # security administrator (unlocks, second factors, tokens, sessions) and an audit
    # administrator (reads the logs). Neither changes data (geo.authority).
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDITOR = "auditor", _("审计管理员")


# Government roles that supervise (accept hazard filings, decide plans, edit enterprise
# files); grid members and analysts read only. Checks that also let the system
# administrator act add Role.ADMIN / is_superuser themselves.
SUPERVISOR_ROLES = frozenset({Role.PROVINCE, Role.CITY, Role.COUNTY, Role.PARK})
# Roles that oversee the system and never change its data: the write gate refuses them
# and their read scope is the public one.
OVERSIGHT_ROLES = frozenset({Role.SECURITY_ADMIN, Role.AUDITOR})


class Post(models.TextChoices):
    """A duty a government user holds inside their own organisation (岗位), beside the
    role that says what they supervise: who approves a case's filing and decision (the
    agency's head, 负责人) and who does its legal review (法制审核人员)."""

    HEAD = "head", _("单位负责人")
    LEGAL = "legal", _("法制审核人员")


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices, default=Role.ANALYST)
    division = models.ForeignKey(
        Division, models.PROTECT, null=True, blank=True, verbose_name=_("管辖区域")
    )
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, null=True, blank=True, verbose_name=_("所属单位")
    )
    mobile = models.CharField(_("手机号"), max_length=20, blank=True,
                              help_text=_("用于接收预警短信"))
    posts = ArrayField(models.CharField(max_length=10, choices=Post.choices),
                       verbose_name=_("岗位"), default=list, db_default=[], blank=True,
                       help_text=_("在所属单位内承担的职责，如单位负责人、法制审核人员"))

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")


class TokenAccess(models.TextChoices):
    READ = "read", _("只读")
    WRITE = "write", _("读写")


class ApiToken(models.Model):
    """Personal API token for machine clients (QGIS, GDAL, scripts). Only a hash is kept;
    a revoked token stays listed (who had which token, until when)."""

    user = models.ForeignKey(User, models.CASCADE, related_name="tokens", verbose_name=_("用户"))
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=8, db_index=True)
    digest = models.CharField(_("摘要"), max_length=64, unique=True)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires = models.DateTimeField(_("过期时间"), null=True, blank=True)
    access = models.CharField(_("权限范围"), max_length=5, choices=TokenAccess.choices,
                              default=TokenAccess.WRITE)
    last_used = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API令牌")
        verbose_name_plural = _("API令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")


class AuditEntry(models.Model):
    """Who changed what (审计日志)."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, verbose_name=_("操作人")
    )
    action = models.CharField(_("操作"), max_length=10, choices=AuditAction.choices)
    model = models.CharField(_("对象类型"), max_length=100, db_index=True)
    object_pk = models.CharField(_("对象标识"), max_length=64, db_index=True)
    changes = models.JSONField(_("变更内容"), default=dict)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at"]


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", _("登录")
    LOGOUT = "logout", _("退出")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKOUT = "lockout", _("账号锁定")
    SESSION_ENDED = "session_ended", _("会话终止")
    PASSWORD_CHANGED = "password_changed", _("修改密码")
    OTP_ENROLLED = "otp_enrolled", _("绑定动态口令")
    TOKEN_CREATED = "token_created", _("创建令牌")
    TOKEN_USED = "token_used", _("使用令牌")
    TOKEN_REJECTED = "token_rejected", _("令牌被拒")
    TOKEN_REVOKED = "token_revoked", _("吊销令牌")
    PERMISSION_DENIED = "permission_denied", _("拒绝访问")
    EXPORT = "export", _("数据导出")
    INGEST_REFUSED = "ingest_refused", _("采集数据被拒")
    OAUTH_ISSUED = "oauth_issued", _("签发统一认证令牌")
    OAUTH_REFUSED = "oauth_refused", _("统一认证被拒")


class SecurityEventQuerySet(models.QuerySet):
    """The log only grows: bulk updates and deletes are refused too (the table's trigger
    refuses them underneath, for any client of the database)."""

    def update(self, **kwargs):
        raise PermissionError("the security-event log is append-only")

    def delete(self):
        raise PermissionError("the security-event log is append-only")


class SecurityEvent(models.Model):
    """Security-event log (安全事件日志): who signed in, failed, was locked out, used a
    token, was refused or exported data, from which address and user agent. A second
    record beside AuditEntry ("who changed what"); append-only, read by auditors."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("事件类型"), max_length=20, choices=SecurityEventKind.choices,
                            db_index=True)
    # No database constraint and no cascade: a deleted user's events stay as they were.
    user = models.ForeignKey(User, models.DO_NOTHING, null=True, blank=True,
                             db_constraint=False, related_name="+", verbose_name=_("用户"))
    username = models.CharField(_("用户名"), max_length=150, blank=True, db_index=True)
    address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=300, blank=True)
    path = models.CharField(_("请求路径"), max_length=300, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("安全事件日志")
        verbose_name_plural = _("安全事件日志")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("the security-event log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the security-event log is append-only")


class SessionEnd(models.TextChoices):
    LOGOUT = "logout", _("用户退出")
    IDLE = "idle", _("空闲超时")
    REPLACED = "replaced", _("在别处登录")
    REVOKED = "revoked", _("管理员终止")


class UserSession(models.Model):
    """A signed-in browser session (登录会话), kept on the server so that logout, idle
    timeout, single sign-in and an administrator can end it (the cookie is signed, so
    the server must remember what it no longer accepts)."""

    key = models.CharField(_("会话标识"), max_length=43, unique=True)
    user = models.ForeignKey(User, models.CASCADE, related_name="sessions",
                             verbose_name=_("用户"))
    created = models.DateTimeField(_("登录时间"), auto_now_add=True)
    last_seen = models.DateTimeField(_("最近活动"))
    ended = models.DateTimeField(_("结束时间"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=10, choices=SessionEnd.choices,
                                  blank=True)
    address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")
        ordering = ["-created"]
        indexes = [models.Index(fields=["user", "ended"])]

    def __str__(self) -> str:
        return f"{self.user} {self.created:%Y-%m-%d %H:%M}"


class PasswordHistory(models.Model):
    """The hashes of a user's recent passwords (历史密码): no reuse of the last N, and the
    newest row's time is the password's age (expiry for government roles)."""

    user = models.ForeignKey(User, models.CASCADE, related_name="password_history",
                             verbose_name=_("用户"))
    password = models.CharField(_("密码摘要"), max_length=128)
    created = models.DateTimeField(_("设置时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-created", "-id"]


class Notification(models.Model):
    """A message in a user's inbox (站内消息); e-mail and SMS copies go out once with it."""

    recipient = models.ForeignKey(User, models.CASCADE, related_name="notifications",
                                  verbose_name=_("接收人"))
    kind = models.CharField(_("消息类型"), max_length=50, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    # Why it was sent (e.g. "licence:12:30:2027-01-31"): the same key never reaches the
    # same user twice, so a daily job can run as often as it likes.
    key = models.CharField(_("去重键"), max_length=200)
    created = models.DateTimeField(_("发送时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"],
                                               name="notification_once_per_key")]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class DocumentCounter(models.Model):
    """The last serial issued (文书编号计数) per numbering area, document kind and year:
    the serial runs per area, kind and year and restarts each year."""

    area = models.CharField(_("编号区域"), max_length=32)
    kind = models.CharField(_("文书种类"), max_length=40)
    year = models.PositiveSmallIntegerField(_("年度"))
    last = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("文书编号计数")
        verbose_name_plural = _("文书编号计数")
        constraints = [models.UniqueConstraint(fields=["area", "kind", "year"],
                                               name="document_counter_once")]

    def __str__(self) -> str:
        return f"{self.area} {self.kind} {self.year}: {self.last}"


class NumberFormat(models.Model):
    """How an agency writes the numbers of one kind of document (文号格式), e.g.
    "（{abbr}）应急{code}〔{year}〕{serial}号" with abbreviation 桂 and code 检记. The format
    of the longest area prefix that a number's area starts with wins; kinds without one
    use their built-in default (geo.workflow.DEFAULT_FORMATS)."""

    kind = models.CharField(_("文书种类"), max_length=40)
    area = models.CharField(_("区划代码前缀"), max_length=12, blank=True,
                            help_text=_("本格式适用的区划代码前缀；留空表示全部区域"))
    template = models.CharField(
        _("编号格式"), max_length=200,
        help_text=_("可用 {area}（编号区域）、{year}（年份）、{serial}（序号，如 {serial:04d}）、"
                    "{abbr}（机关简称）、{code}（文书代字）"))
    abbreviation = models.CharField(_("机关简称"), max_length=20, blank=True)
    code = models.CharField(_("文书代字"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("文号格式")
        verbose_name_plural = _("文号格式")
        ordering = ["kind", "area"]
        constraints = [models.UniqueConstraint(fields=["kind", "area"],
                                               name="number_format_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.area or '*'}: {self.template}"

    def render(self, *, area: str, year: int, serial: int, line: str = "") -> str:
        return self.template.format(area=area, year=year, serial=serial, line=line,
                                    abbr=self.abbreviation, code=self.code)

    def clean(self) -> None:
        try:
            sample = self.render(area="390101", year=2026, serial=7)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValidationError({"template": _("编号格式无效：%(e)s") % {"e": exc}}) from exc
        if sample == self.render(area="390101", year=2026, serial=8):
            raise ValidationError({"template": _("编号格式须包含序号 {serial}")})


class OfflineReceipt(models.Model):
    """One form sent from a phone's offline queue (geo.offline): the client's id for it and
    how it was answered, so a second send of the same record (a lost answer, a replay)
    gets the first answer instead of storing it again."""

    user = models.ForeignKey("geo.User", models.CASCADE, verbose_name=_("用户"))
    key = models.UUIDField(_("离线记录标识"))
    path = models.CharField(_("提交地址"), max_length=300)
    status = models.PositiveSmallIntegerField(_("应答状态"), null=True)
    location = models.CharField(_("跳转地址"), max_length=500, blank=True)
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("离线提交回执")
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["user", "key"],
                                               name="offline_receipt_once")]


class PortalSystem(models.Model):
    """An application registered for single sign-on (统一认证) that the portal home
    lists among the bureau's systems (geo.portal), beside those of settings.PORTAL_SYSTEMS.
    Marked by the security administrator in the application's admin page."""

    application = models.OneToOneField(oauth2_settings.APPLICATION_MODEL, models.CASCADE,
                                       related_name="portal", verbose_name=_("应用"))
    url = models.URLField(_("入口地址"), help_text=_("门户首页上的链接，即该系统的首页"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("门户系统")
        verbose_name_plural = _("门户系统")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.application.name or self.url


# Notices (通知公告) live in their own slice of geo; this line makes them geo models.
from geo.notices.models import Notice, NoticeReceipt, NoticeState  # noqa: E402, F401
