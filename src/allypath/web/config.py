"""Settings of the web app as one validated model, read from the environment at start-up.

Every variable is listed in :class:`WebSettings` (``ALLYPATH_`` prefix, plus ``DATABASE_URL``); a bad
value stops the process with an error that names the variable, instead of failing later at request
time. ``make docs`` writes the table of docs/web.md from these fields (``scripts/make_docs.py``), and
``make lint`` fails when the two differ.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from allypath.errors import ConfigurationError

__all__ = [
    "SPOOLED_UPLOADS",
    "STAGED_UPLOADS",
    "UPLOAD_MAX_AGE",
    "WebSettings",
    "load_settings",
    "sweep_uploads",
]

_MIN_SECRET = 32
# mypy's Django plugin imports the settings with no secrets: a key that never serves anything.
_TYPE_CHECKING_KEY = "type-checking-placeholder-" + "x" * _MIN_SECRET
_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}


def _split(value: object) -> object:
    """Comma-separated lists in the environment (``a.example,b.example``)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class WebSettings(BaseSettings):
    """The environment of the web app (``ALLYPATH_<NAME>``; the database is ``DATABASE_URL``)."""

    model_config = SettingsConfigDict(env_prefix="ALLYPATH_", extra="ignore", frozen=True)

    secret_key: SecretStr | None = Field(
        None,
        description="Django's signing key (>= 32 characters); also derives receipt codes and the key "
        "that seals ally-circle volunteers' stage, unit and contact, so it is held outside the data "
        "directory and its backups: the app refuses to start when this value is written in any file of "
        "ALLYPATH_DATA_DIR; required unless ALLYPATH_DEBUG",
    )
    secret_key_file: Path | None = Field(
        None,
        description="a file holding the secret key (instead of ALLYPATH_SECRET_KEY), outside "
        "ALLYPATH_DATA_DIR and readable by its owner only",
    )
    debug: bool = Field(False, description="development mode: tracebacks in pages, a throwaway secret key")
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["localhost", "127.0.0.1"], description="host names served, comma-separated"
    )
    csrf_trusted_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="origins allowed to POST forms behind a proxy, comma-separated"
    )
    database_url: str = Field(
        "",
        validation_alias="DATABASE_URL",
        description="postgres://user@host:5432/name; empty means SQLite in ALLYPATH_DATA_DIR",
    )
    data_dir: Path = Field(
        Path("var"),
        description="the SQLite file, collected static files, file e-mails and uploads under review "
        "(imports/)",
    )
    panel_secret: SecretStr | None = Field(
        None,
        description="HMAC key of panel-mode waves (>= 32 characters, not the secret key), held by the "
        "operator outside the database; without it only anonymous waves can be launched; the app refuses "
        "to start when this value is written in any file of ALLYPATH_DATA_DIR",
    )
    panel_secret_file: Path | None = Field(
        None,
        description="a file holding the panel HMAC key (instead of ALLYPATH_PANEL_SECRET), outside "
        "ALLYPATH_DATA_DIR and readable by its owner only",
    )
    site_url: str = Field(
        "http://127.0.0.1:8000", description="public base URL used in personal survey links"
    )
    email_backend: Literal["console", "smtp", "file", "locmem"] = Field(
        "smtp",
        description="how e-mails leave: smtp; console (printed to the log) and file (written to "
        "ALLYPATH_DATA_DIR/mail) only with ALLYPATH_DEBUG, since invitations carry personal links; "
        "locmem keeps them in memory (tests)",
    )
    email_host: str = Field("localhost", description="SMTP host")
    email_port: int = Field(25, ge=1, le=65535, description="SMTP port")
    email_host_user: str = Field("", description="SMTP user")
    email_host_password: SecretStr = Field(SecretStr(""), description="SMTP password")
    email_use_tls: bool = Field(False, description="STARTTLS for SMTP")
    email_from: str = Field("allypath <noreply@localhost>", description="sender of invitations")
    secure_cookies: bool = Field(False, description="HTTPS only cookies and HSTS (set behind TLS)")
    max_body_bytes: int = Field(
        64 * 1024, ge=4 * 1024, le=10 * 1024 * 1024, description="largest survey or API request body"
    )
    max_upload_bytes: int = Field(
        20 * 1024 * 1024, ge=64 * 1024, description="largest HRIS or survey-export upload"
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="addresses or networks of the reverse proxies whose X-Forwarded-For is believed "
        "(10.0.0.5,10.1.0.0/16): the login lockout and the submission rate limit then see each client. Set "
        "it behind a proxy: otherwise every client has the proxy's address, and five wrong passwords from "
        "anyone lock a user out for everyone",
    )
    max_unpacked_bytes: int = Field(
        64 * 1024 * 1024,
        ge=1024 * 1024,
        description="largest size an uploaded workbook may unpack to (a zip of XML), checked before reading",
    )
    max_upload_rows: int = Field(200_000, ge=100, description="most rows an uploaded file may hold")
    solve_in_request_seconds: float = Field(
        10.0,
        ge=0,
        description="an organisation whose last release took longer to solve has its next one solved in a "
        "process of its own (python -m allypath.web prepare_releases); its pages say the figures are being "
        "prepared meanwhile",
    )
    solve_in_request_rows: int = Field(
        20_000,
        ge=0,
        description="with no solve on record, an organisation with more responses than this has its release "
        "solved in a process of its own",
    )
    login_failure_limit: int = Field(5, ge=2, le=50, description="failed logins before a lockout")
    login_cooloff_minutes: int = Field(15, ge=1, description="lockout length after too many failures")
    submit_limit_per_token: int = Field(
        30,
        ge=0,
        description=(
            "survey/API posts per personal link per minute, counted for each browser (or address) apart"
            " (0: no limit)"
        ),
    )
    submit_limit_per_ip: int = Field(
        300, ge=0, description="survey/API posts per client address per minute (0: no limit)"
    )
    oidc_enabled: bool = Field(
        False, description="single sign-on for HR users with OpenID Connect (off by default)"
    )
    oidc_provider_name: str = Field(
        "single sign-on",
        min_length=1,
        max_length=60,
        description="shown on the button: 'Sign in with <name>'",
    )
    oidc_issuer: str = Field(
        "",
        description="the provider's issuer URL (https; its /.well-known/openid-configuration is read); "
        "required with ALLYPATH_OIDC_ENABLED",
    )
    oidc_client_id: str = Field("", description="client id registered at the provider; required with SSO")
    oidc_client_secret: SecretStr = Field(
        SecretStr(""), description="client secret registered at the provider; required with SSO"
    )
    oidc_scopes: str = Field("openid email", description="scopes asked for; must include openid and email")
    oidc_sign_algo: Literal["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"] = Field(
        "RS256", description="algorithm of the provider's ID token signatures (keys from its JWKS)"
    )
    password_login: bool = Field(
        True, description="the password form on the HR sign-in page; false leaves single sign-on only"
    )

    _split_hosts = field_validator("allowed_hosts", "csrf_trusted_origins", "trusted_proxies", mode="before")(
        _split
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        import ipaddress

        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(
                    f"{entry!r} is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24)"
                ) from None
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        value = value.strip()
        if value and value.split(":", 1)[0] not in {"postgres", "postgresql", "sqlite"}:
            raise ValueError("must start with postgres://, postgresql:// or sqlite://")
        return value

    @field_validator("site_url")
    @classmethod
    def _absolute_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an absolute http(s) URL such as https://survey.example.org")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _mail_leaves_no_links_behind(self) -> WebSettings:
        # Issue 14: the console backend printed every link of a wave, with addresses, into the log.
        if self.email_backend in ("console", "file") and not self.debug:
            raise ValueError(
                f"ALLYPATH_EMAIL_BACKEND={self.email_backend} writes every personal link to the server's "
                "log or disk: use smtp (or set ALLYPATH_DEBUG=true on a development machine)"
            )
        return self

    @model_validator(mode="after")
    def _secrets(self) -> WebSettings:
        if self.secret_key_file is not None:
            if self.secret_key is not None:
                raise ValueError("set ALLYPATH_SECRET_KEY or ALLYPATH_SECRET_KEY_FILE, not both")
            key = _read_secret_file("ALLYPATH_SECRET_KEY_FILE", self.secret_key_file, self.data_dir)
            object.__setattr__(self, "secret_key", SecretStr(key))
        key = self.secret_key.get_secret_value() if self.secret_key else ""
        if not self.debug and len(key) < _MIN_SECRET:
            if self.secret_key_file is not None:
                raise ValueError(
                    f"ALLYPATH_SECRET_KEY_FILE {self.secret_key_file} must hold at least {_MIN_SECRET} "
                    "random characters"
                )
            raise ValueError(
                f"ALLYPATH_SECRET_KEY must be set to at least {_MIN_SECRET} random characters "
                "(or set ALLYPATH_DEBUG=true on a development machine)"
            )
        if self.panel_secret_file is not None:
            if self.panel_secret is not None:
                raise ValueError("set ALLYPATH_PANEL_SECRET or ALLYPATH_PANEL_SECRET_FILE, not both")
            panel_text = _read_secret_file(
                "ALLYPATH_PANEL_SECRET_FILE", self.panel_secret_file, self.data_dir
            )
            object.__setattr__(self, "panel_secret", SecretStr(panel_text))
        watched: dict[str, str] = {}
        # A key shorter than the minimum (allowed with ALLYPATH_DEBUG only) guards nothing real and would
        # be found by chance in unrelated files; the type-checking placeholder is in no file of the host.
        if len(key) >= _MIN_SECRET and key != _TYPE_CHECKING_KEY:
            watched["ALLYPATH_SECRET_KEY"] = key
        panel = self.panel_secret.get_secret_value() if self.panel_secret is not None else None
        if panel is not None:
            watched["ALLYPATH_PANEL_SECRET"] = panel
        _refuse_beside_data(watched, self.data_dir)
        if panel is not None:
            if len(panel) < _MIN_SECRET:
                raise ValueError(f"ALLYPATH_PANEL_SECRET must have at least {_MIN_SECRET} characters")
            if panel == key:
                raise ValueError("ALLYPATH_PANEL_SECRET must differ from ALLYPATH_SECRET_KEY")
        return self

    @model_validator(mode="after")
    def _single_sign_on(self) -> WebSettings:
        if not self.oidc_enabled:
            if not self.password_login:
                raise ValueError(
                    "ALLYPATH_PASSWORD_LOGIN=false leaves no way to sign in: "
                    "enable single sign-on (ALLYPATH_OIDC_ENABLED=true) or keep password sign-in"
                )
            return self
        missing = [
            f"ALLYPATH_OIDC_{name.upper()}"
            for name, value in (
                ("issuer", self.oidc_issuer),
                ("client_id", self.oidc_client_id),
                ("client_secret", self.oidc_client_secret.get_secret_value()),
            )
            if not value.strip()
        ]
        if missing:
            raise ValueError(f"ALLYPATH_OIDC_ENABLED=true needs {', '.join(missing)}")
        if not {"openid", "email"} <= set(self.oidc_scopes.split()):
            raise ValueError(
                f"ALLYPATH_OIDC_SCOPES={self.oidc_scopes!r} must include openid and email "
                "(HR accounts are matched by verified e-mail)"
            )
        return self

    @field_validator("oidc_issuer")
    @classmethod
    def _issuer_url(cls, value: str) -> str:
        from urllib.parse import urlsplit

        value = value.strip()
        if not value:
            return value
        url = urlsplit(value)
        # Plain http only to a provider on this machine (development, tests): tokens cross that link.
        loopback = url.hostname in {"localhost", "127.0.0.1", "::1"}
        if (
            not url.hostname
            or url.query
            or url.fragment
            or not (url.scheme == "https" or (url.scheme == "http" and loopback))
        ):
            raise ValueError(
                "must be the provider's https issuer URL, such as https://login.example.org/realms/hr "
                "(http only for a provider on localhost)"
            )
        return value

    @property
    def email_backend_path(self) -> str:
        return _EMAIL_BACKENDS[self.email_backend]


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _read_secret_file(setting: str, path: Path, data_dir: Path) -> str:
    """A secret from the operator's file: never one that travels with the data or its backups."""
    if _inside(path, data_dir):
        raise ValueError(
            f"{setting} {path} is inside ALLYPATH_DATA_DIR: move the file out of the data directory, "
            "away from the database and its backups (operator custody)"
        )
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ValueError(f"{setting} {path} cannot be read: {exc.strerror}") from None
    if mode & 0o077:
        raise ValueError(f"{setting} {path} is readable by others: chmod 600 it")
    if not text:
        raise ValueError(f"{setting} {path} is empty: write the secret in it")
    return text


_SCAN_LIMIT = 1024 * 1024  # files beside the database that could hold a copied key (secrets.env...)
# The database itself is not read (it is no text file an operator writes a key into, and may be large and
# busy): the default SQLite file and its journals.
_DATABASE_FILES = (
    "allypath.sqlite3",
    "allypath.sqlite3-wal",
    "allypath.sqlite3-shm",
    "allypath.sqlite3-journal",
)


# What each secret opens for whoever reads the data directory, said when it is found there.
_EXPOSES = {
    "ALLYPATH_SECRET_KEY": "with it he unseals every ally-circle volunteer's contact beside his stage",
    "ALLYPATH_PANEL_SECRET": "with it he maps every panel key to an employee id",
}


def _refuse_beside_data(watched: dict[str, str], data_dir: Path) -> None:
    """Refuse to run when a secret (``{setting: value}``) is written in a file of the data directory.

    Whoever reads the host (a backup, a copied disk) would hold it beside the database: with the panel
    secret he maps every panel key to an employee id by hashing the HRIS list; with the secret key he
    unseals the ally-circle volunteers' contact, stage and unit. One walk looks for every secret. Every
    file of every folder under it is read (symbolic links to folders are not followed), except files
    larger than :data:`_SCAN_LIMIT` (1 MB: a key is copied into a small text file) and the database's
    own files.
    """
    needles = {setting: value.encode() for setting, value in watched.items() if value}
    if not needles or not data_dir.is_dir():
        return
    for folder, subfolders, names in os.walk(data_dir):  # unreadable folders are skipped
        subfolders.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if path.parent == data_dir and name in _DATABASE_FILES:
                continue
            try:
                if not path.is_file() or path.stat().st_size > _SCAN_LIMIT:
                    continue
                content = path.read_bytes()
            except OSError:
                continue
            found = [setting for setting, needle in needles.items() if needle in content]
            if found:
                raise ValueError(
                    " ".join(
                        f"{setting} is written in {path}, inside ALLYPATH_DATA_DIR: whoever reads that "
                        f"directory or its backups finds it, and {_EXPOSES[setting]}. Delete it from that "
                        f"file and give it in the environment, or in {setting}_FILE outside the data "
                        "directory."
                        for setting in found
                    )
                )


#: Folders of ALLYPATH_DATA_DIR holding uploads (a survey tool's raw export: ids, e-mails, addresses and
#: times beside answers; an HRIS list): uploads under review (``console.import_stage``), and the files
#: Django spools an upload of more than 2 MB into while it arrives (``FILE_UPLOAD_TEMP_DIR``).
STAGED_UPLOADS = "imports"
SPOOLED_UPLOADS = "uploading"
#: Seconds an upload is kept after its last use (24 h): a review left open is not kept for ever.
UPLOAD_MAX_AGE = 24 * 3600


def sweep_uploads(data_dir: Path, max_age: float = UPLOAD_MAX_AGE) -> int:
    """Remove the uploads in ``data_dir`` unused for ``max_age`` seconds; return how many went.

    Run when an upload is staged or opened, and daily by ``send_due_reminders`` (which the organisations
    app runs: hence here, not in the console's import_stage), so an abandoned one is gone within
    ``max_age`` plus a day even when nobody uploads again.
    """
    limit = time.time() - max_age
    removed = 0
    for name in (STAGED_UPLOADS, SPOOLED_UPLOADS):
        try:
            entries = list((data_dir / name).iterdir())
        except OSError:  # not created yet
            continue
        for entry in entries:
            try:
                if entry.lstat().st_mtime >= limit:
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink()
                removed += 1
            except FileNotFoundError:  # removed meanwhile (an import done, another sweep)
                continue
    return removed


def _variable(loc: tuple[int | str, ...]) -> str:
    if not loc:
        return "the environment"
    name = str(loc[0])
    return "DATABASE_URL" if name in {"database_url", "DATABASE_URL"} else f"ALLYPATH_{name.upper()}"


def load_settings(*, type_checking: bool = False) -> WebSettings:
    """Read and validate the environment; raise :class:`ConfigurationError` naming each bad variable.

    ``type_checking``: mypy's Django plugin imports the settings to learn the models and has no secrets;
    it gets a placeholder key (never used to serve anything).
    """
    try:
        if type_checking and not (
            os.environ.get("ALLYPATH_SECRET_KEY") or os.environ.get("ALLYPATH_SECRET_KEY_FILE")
        ):
            return WebSettings(secret_key=SecretStr(_TYPE_CHECKING_KEY))  # type: ignore[call-arg]
        return WebSettings()  # type: ignore[call-arg]  # every field has a default or comes from the env
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            message = str(error["msg"]).removeprefix("Value error, ")
            where = _variable(error["loc"]) if error["loc"] else ""
            lines.append(f"{where}: {message}" if where else message)
        raise ConfigurationError("invalid web settings:\n  " + "\n  ".join(lines)) from None
