"""The commune's identity (name, province, issuer, signers): one accessor that everything calls.

Read from the app's configuration today; a later version stores it in the database, so callers
use `commune_settings()` and never read the configuration keys themselves.
"""

from dataclasses import dataclass

from flask import current_app

# A name as written in running text ("xã Hoàng Văn Thụ") starts with its kind of unit; the
# date line of a document ("Hoàng Văn Thụ, ngày …") uses the bare name.
UNIT_KINDS = ("xã ", "phường ", "thị trấn ", "đặc khu ")


@dataclass(frozen=True)
class CommuneSettings:
    """Who the app speaks for; every field is printed as written."""

    commune_name: str  # "xã Hoàng Văn Thụ"
    province_name: str  # "tỉnh Lạng Sơn"
    issuer_name: str  # "Ủy ban nhân dân xã Hoàng Văn Thụ"
    issuer_parent: str  # "Tỉnh Lạng Sơn", above the issuer in a document's header
    place_name: str  # "Hoàng Văn Thụ", before a document's date
    certificate_signer_title: str  # "TM. ỦY BAN NHÂN DÂN"
    certificate_signer_name: str
    report_signer_title: str  # signs the lists the app prints (nominations)
    report_signer_name: str  # also the half-year report's default signer

    @property
    def issuer_short(self) -> str:
        """'UBND xã Hoàng Văn Thụ', as in a page's footer."""
        body = "Ủy ban nhân dân "
        if self.issuer_name.startswith(body):
            return f"UBND {self.issuer_name[len(body) :]}"
        return self.issuer_name

    @property
    def issuer_unit(self) -> str:
        """'xã Hoàng Văn Thụ' of 'Ủy ban nhân dân xã Hoàng Văn Thụ' (the second header line)."""
        body = "Ủy ban nhân dân "
        if self.issuer_name.startswith(body):
            return self.issuer_name[len(body) :]
        return self.issuer_name


def bare_name(name: str) -> str:
    """'Hoàng Văn Thụ' of 'xã Hoàng Văn Thụ'."""
    lowered = name.lower()
    for kind in UNIT_KINDS:
        if lowered.startswith(kind):
            return name[len(kind) :]
    return name


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def from_config(config) -> CommuneSettings:
    """The settings from a configuration mapping; unset issuer fields follow the commune."""
    commune = config["COMMUNE_NAME"]
    province = config["PROVINCE_NAME"]
    return CommuneSettings(
        commune_name=commune,
        province_name=province,
        issuer_name=config.get("ISSUER_NAME") or f"Ủy ban nhân dân {commune}",
        issuer_parent=config.get("ISSUER_PARENT") or _capitalized(province),
        place_name=config.get("ISSUER_PLACE") or bare_name(commune),
        certificate_signer_title=config["CERTIFICATE_SIGNER_TITLE"],
        certificate_signer_name=config["CERTIFICATE_SIGNER_NAME"],
        report_signer_title=config["REPORT_SIGNER_TITLE"],
        report_signer_name=config["REPORT_SIGNER_NAME"] or config["CERTIFICATE_SIGNER_NAME"],
    )


def commune_settings() -> CommuneSettings:
    """The current app's commune settings."""
    return from_config(current_app.config)


def register_settings(app) -> None:
    """Templates see the settings as `commune`."""

    @app.context_processor
    def _commune():
        return {"commune": commune_settings()}
