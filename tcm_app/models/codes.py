"""The table of coded TCM diagnoses (GB/T 15657-2021 diseases and patterns, and 治法 terms).

Rows are never deleted: a code missing from a later full import is deactivated, so records that
carry it keep pointing at a row with its name.
"""

from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from tcm_app.extensions import db
from tcm_app.models.types import UTCDateTime, utcnow


class TcmCode(db.Model):
    __tablename__ = "tcm_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_key: Mapped[str] = mapped_column(String(32), unique=True)  # the code without a final dot
    code: Mapped[str] = mapped_column(String(32))  # as the standard writes it
    name: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # disease / pattern / method
    parent_key: Mapped[str] = mapped_column(String(32), default="")
    pinyin: Mapped[str] = mapped_column(String(255), default="")
    initials: Mapped[str] = mapped_column(String(64), default="")
    temporary: Mapped[bool] = mapped_column(Boolean, default=False)  # 临时诊断用术语
    source: Mapped[str] = mapped_column(String(400), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
